// Plays compiled ink JSON with inkjs, choosing by menu text, and prints what was shown, as JSON.
// Usage: node play_batch.js INKJS_DIR STORY.json < [{"seed": N, "choices": ["menu text", ...]}, ...]
// Prints one result a script: {"turns": [{"text": "...", "menu": ["..."]}, ...]},
// or {"missing": "menu text", "turns": [...]} when a choice was not on the menu.
const fs = require("fs");
const path = require("path");
const { Story } = require(path.join(process.argv[2], "dist", "ink-full.js"));
const compiled = fs.readFileSync(process.argv[3], "utf-8").replace(/^\uFEFF/, "");

function play(script) {
  const story = new Story(compiled);
  story.state.storySeed = script.seed;
  const turns = [];
  const show = () => {
    let text = "";
    while (story.canContinue) text += story.Continue();
    turns.push({ text, menu: story.currentChoices.map((c) => c.text) });
  };
  show();
  for (const wanted of script.choices) {
    const index = story.currentChoices.findIndex((c) => c.text === wanted);
    if (index < 0) return { missing: wanted, turns };
    story.ChooseChoiceIndex(index);
    show();
  }
  return { turns };
}

process.stdout.write(JSON.stringify(JSON.parse(fs.readFileSync(0, "utf-8")).map(play)));
