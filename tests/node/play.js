// Continuous play through the en-US model with virtual-alexa's simulated AudioPlayer. Each step is
// "say:<utterance>", "offset:<ms>" (the player has reached that point), "nearly" or "finished" (the
// player reports PlaybackNearlyFinished / PlaybackFinished). Prints one JSON line per step: the
// skill's reply (if any) and what the player is doing afterwards.
// Usage: node play.js URL MODEL STEP ...   (VA_USER_ID in the environment: be that user, as a
// later session on the same account would be)
const va = require("virtual-alexa");

async function main() {
  const [url, model, ...steps] = process.argv.slice(2);
  const alexa = va.VirtualAlexa.Builder().skillURL(url).interactionModelFile(model).locale("en-US").create();
  if (process.env.VA_USER_ID) alexa.context().user().setID(process.env.VA_USER_ID);
  const player = alexa.audioPlayer();
  for (const step of steps) {
    const [kind, ...rest] = step.split(":");
    const arg = rest.join(":");
    let reply = null;
    if (kind === "say") reply = await alexa.utter(arg);
    else if (kind === "offset") player.playbackOffset(Number(arg));
    else if (kind === "nearly") reply = await player.playbackNearlyFinished();
    else if (kind === "finished") reply = await player.playbackFinished();
    else throw new Error(`unknown step ${step}`);
    const playing = player.playing();
    const state = { playing: player.isPlaying(),
                    token: playing ? playing.stream.token : null, url: playing ? playing.stream.url : null,
                    offset: playing ? playing.stream.offsetInMilliseconds : null };
    process.stdout.write(JSON.stringify({ step, reply, player: state }) + "\n");
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
