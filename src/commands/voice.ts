import { Command } from 'commander';
import { AudioSampleError, MAX_SAMPLE_BYTES, readAudioSamples } from '../voices/audioSample.js';
import { printAnswer, withCallMyCall } from './callMyCallSession.js';
import { CliError, ExitCode } from './exitCodes.js';

const HELP = `
Clones a voice from audio samples (ElevenLabs, through CallMyCall) and prints its voice
id. Samples are WAV, MP3, M4A, OGG, FLAC or WebM, at most ${MAX_SAMPLE_BYTES / 1024 / 1024} MB each; the type is read
from the file's content, not its name.

Examples:
  cmc voice clone --name "Clinic reception" sample1.wav sample2.wav
  cmc voice clone --name "Anna" --remove-background-noise anna.mp3 --json

Exit status: 0 cloned; 2 bad usage (a missing, oversized or non-audio file, named);
3 the API is unreachable.`;

/** `cmc voice`: voices for campaigns. */
export function voiceCommand(): Command {
  const command = new Command('voice').description('Clone voices for calls').addHelpText('after', HELP);
  command
    .command('clone')
    .description('Upload audio samples and print the new voice id')
    .requiredOption('--name <name>', 'the voice name shown in CallMyCall')
    .option('--remove-background-noise', 'ask ElevenLabs to clean the samples')
    .option('--json', 'print the result as JSON')
    .argument('<files...>', 'audio sample files')
    .action(
      async (files: string[], options: { name: string; removeBackgroundNoise?: boolean; json?: boolean }) => {
        const name = options.name.trim();
        // The name is shown in CallMyCall's and ElevenLabs' dashboards: plain text only.
        if (name === '' || name.length > 100 || /\p{Cc}/u.test(name)) {
          throw new CliError(
            '--name must be 1 to 100 characters, without control characters',
            ExitCode.usage,
          );
        }
        let samples: Awaited<ReturnType<typeof readAudioSamples>>;
        try {
          samples = await readAudioSamples(files);
        } catch (error) {
          if (error instanceof AudioSampleError) throw new CliError(error.message, ExitCode.usage);
          throw error;
        }
        await withCallMyCall(async (client) => {
          const answer = await client.createElevenLabsVoice({
            name,
            files: samples,
            ...(options.removeBackgroundNoise ? { remove_background_noise: true } : {}),
          });
          if (!answer.voice_id) throw new CliError('CallMyCall answered without a voice id');
          printAnswer(
            options.json,
            { voiceId: answer.voice_id, name: answer.name ?? name, samples: samples.length },
            `voice "${answer.name ?? name}" created: ${answer.voice_id}`,
          );
        });
      },
    );
  return command;
}
