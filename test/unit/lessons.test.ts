import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOCKERFILE_RULES } from '../../src/language/dockerfile/rules';
import { INSTRUCTION_DOCS } from '../../src/language/dockerfile/instructionDocs';
import { allLessons, findLesson, lessonFileName } from '../../src/language/lessons';

const LESSON_DIR = path.resolve(__dirname, '..', '..', 'media', 'lessons');

describe('lessons', () => {
  it('has a Markdown file with a title, a bad/good example or a table, for every lesson in the index', () => {
    for (const lesson of allLessons()) {
      const file = path.join(LESSON_DIR, lessonFileName(lesson.id));
      assert.ok(fs.existsSync(file), `${file} exists`);
      const text = fs.readFileSync(file, 'utf8');
      assert.equal(text.split('\n')[0], `# ${lesson.title}`, `${lesson.id} starts with its title`);
      assert.match(text, /```/, `${lesson.id} shows an example`);
    }
  });

  it('has no Markdown file that the index does not list', () => {
    const files = fs
      .readdirSync(LESSON_DIR)
      .filter((f) => f.endsWith('.md'))
      .sort();
    assert.deepEqual(
      files,
      allLessons()
        .map((l) => lessonFileName(l.id))
        .sort(),
    );
  });

  it('links only to lessons that exist', () => {
    for (const lesson of allLessons()) {
      const text = fs.readFileSync(path.join(LESSON_DIR, lessonFileName(lesson.id)), 'utf8');
      for (const [, linked = ''] of text.matchAll(/\]\(([a-z-]+)\.md\)/g))
        assert.ok(findLesson(linked), `${lesson.id} links to ${linked}`);
    }
  });

  it('explains every Dockerfile rule and instruction doc through an existing lesson that names the code', () => {
    for (const rule of DOCKERFILE_RULES) {
      assert.ok(findLesson(rule.lesson), `${rule.code} → ${rule.lesson}`);
    }
    for (const [keyword, doc] of Object.entries(INSTRUCTION_DOCS)) assert.ok(findLesson(doc.lesson), keyword);
    const codesInLessons = allLessons()
      .map((l) => fs.readFileSync(path.join(LESSON_DIR, lessonFileName(l.id)), 'utf8'))
      .join('\n');
    const unexplained = DOCKERFILE_RULES.filter((r) => !codesInLessons.includes(r.code)).map((r) => r.code);
    assert.deepEqual(unexplained, []);
  });
});
