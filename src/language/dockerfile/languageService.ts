import { DockerfileLanguageServiceFactory, type DockerfileLanguageService } from 'dockerfile-language-service';

let service: DockerfileLanguageService | undefined;

/** One shared dockerfile-language-service instance, made on first use and asked for Markdown. */
export function getLanguageService(): DockerfileLanguageService {
  if (!service) {
    service = DockerfileLanguageServiceFactory.createLanguageService();
    service.setCapabilities({
      hover: { contentFormat: ['markdown'] },
      completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } },
    });
  }
  return service;
}
