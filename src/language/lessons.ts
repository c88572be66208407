/**
 * The index of Dockside's lessons. Diagnostics and hovers point at a lesson by id; the editor opens it with the
 * `dockside.openLesson` command and the CLI prints the path of its Markdown file
 * (`lessons/<id>.md` in the package).
 */
export interface LessonRef {
  id: string;
  title: string;
}

const LESSONS: readonly LessonRef[] = [
  { id: 'dockerfile-syntax', title: 'How Docker reads a Dockerfile' },
  { id: 'dockerfile-instructions', title: 'The Dockerfile instructions' },
];

const byId = new Map(LESSONS.map((l) => [l.id, l]));

export function allLessons(): readonly LessonRef[] {
  return LESSONS;
}

export function findLesson(id: string): LessonRef | undefined {
  return byId.get(id);
}

export function lessonFileName(id: string): string {
  return `${id}.md`;
}
