// Reads a JSON list of SSML strings on stdin; prints, as JSON, the errors ssml-check-core finds in
// each under Alexa's rules (null where there are none).
const ssmlCheck = require("ssml-check-core");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  const results = [];
  for (const ssml of JSON.parse(input)) {
    results.push((await ssmlCheck.check(ssml, { platform: "amazon", locale: "en-US" })) || null);
  }
  process.stdout.write(JSON.stringify(results));
});
