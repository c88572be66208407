import { findLesson } from './lessons';

/** A lesson named in a comment: where its id is (0-based line and characters) and which lesson. */
export interface LessonMention {
  line: number;
  start: number;
  end: number;
  lesson: string;
}

/**
 * `(lesson: layers-and-cache)` in a `#` comment, as the project templates write them: each known lesson id
 * becomes a link that opens the lesson. Unknown ids are left alone.
 */
export function lessonMentions(text: string): LessonMention[] {
  const out: LessonMention[] = [];
  for (const [line, body] of text.split(/\r?\n/).entries()) {
    const hash = body.indexOf('#');
    if (hash < 0) continue;
    for (const m of body.slice(hash).matchAll(/\(lesson: ([a-z][a-z-]*)\)/g)) {
      const [, lesson = ''] = m;
      if (!findLesson(lesson)) continue;
      const start = hash + m.index + '(lesson: '.length;
      out.push({ line, start, end: start + lesson.length, lesson });
    }
  }
  return out;
}
