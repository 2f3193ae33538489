// What the en-US interaction model makes of each utterance, as virtual-alexa hears it: the intent
// and each slot's value and resolved id, without a skill behind it. Prints one JSON line per
// utterance ({"utterance", "intent", "slots"}; intent null when nothing in the model matches).
// Usage: node resolve.js MODEL "utterance" ...
const va = require("virtual-alexa");

let heard = null;
exports.echo = async (event) => { heard = event.request; return { version: "1.0", response: {} }; };

function slots(intent) {
  const found = {};
  for (const [name, slot] of Object.entries(intent.slots || {})) {
    const authorities = (slot.resolutions || {}).resolutionsPerAuthority || [];
    const matched = authorities.find((a) => a.status.code === "ER_SUCCESS_MATCH");
    found[name] = { value: slot.value === undefined ? null : slot.value,
                    id: matched ? matched.values[0].value.id : null };
  }
  return found;
}

async function main() {
  const [model, ...utterances] = process.argv.slice(2);
  const alexa = va.VirtualAlexa.Builder().handler(__filename.replace(/\.js$/, ".echo"))
    .interactionModelFile(model).locale("en-US").create();
  for (const utterance of utterances) {
    heard = null;
    try {
      await alexa.utter(utterance);
    } catch (error) {
      if (!/Unable to match utterance/.test(String(error))) throw error;
    }
    const intent = heard && heard.type === "IntentRequest" ? heard.intent : null;
    process.stdout.write(JSON.stringify({ utterance, intent: intent ? intent.name : (heard ? heard.type : null),
                                          slots: intent ? slots(intent) : {} }) + "\n");
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
