// Plays a compiled ink story by choice texts and prints each turn as JSON:
// node play.js STORY.json "menu text" "menu text" ...  (inkjs must be resolvable)
// One line per turn: {"text": [...lines...], "choices": [...menu texts...]}.
const fs = require("fs");
const { Story } = require("inkjs");

const story = new Story(fs.readFileSync(process.argv[2], "utf8").replace(/^\uFEFF/, ""));
const wanted = process.argv.slice(3);

function turn() {
  const text = [];
  while (story.canContinue) text.push(story.Continue());
  const choices = story.currentChoices.map((c) => c.text);
  process.stdout.write(JSON.stringify({ text, choices }) + "\n");
  return choices;
}

let choices = turn();
for (const want of wanted) {
  const index = choices.indexOf(want);
  if (index < 0) {
    process.stdout.write(JSON.stringify({ error: `no choice ${want}`, choices }) + "\n");
    process.exit(2);
  }
  story.ChooseChoiceIndex(index);
  choices = turn();
}
