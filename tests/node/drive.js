// Speaks utterances to the skill through the en-US interaction model, as Alexa would, and prints
// each response as a line of JSON. Usage: node drive.js URL MODEL "utterance" ...
const va = require("virtual-alexa");

async function main() {
  const [url, model, ...utterances] = process.argv.slice(2);
  const alexa = va.VirtualAlexa.Builder()
    .skillURL(url)
    .interactionModelFile(model)
    .locale("en-US")
    .create();
  for (const utterance of utterances) {
    const reply = await alexa.utter(utterance);
    process.stdout.write(JSON.stringify({ utterance, reply }) + "\n");
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
