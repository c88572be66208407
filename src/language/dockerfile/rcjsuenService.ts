import { DockerfileLanguageServiceFactory, type DockerfileLanguageService } from 'dockerfile-language-service';

let service: DockerfileLanguageService | undefined;

/**
 * The one shared instance of rcjsuen's dockerfile-language-service (hovers and completions where Dockside has none,
 * and formatting), made on first use and asked for Markdown.
 */
export function sharedRcjsuenService(): DockerfileLanguageService {
  if (!service) {
    service = DockerfileLanguageServiceFactory.createLanguageService();
    service.setCapabilities({
      hover: { contentFormat: ['markdown'] },
      completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } },
    });
  }
  return service;
}
