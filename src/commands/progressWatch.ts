import type { Client } from '@temporalio/client';
import { Presets, SingleBar } from 'cli-progress';
import type { CampaignProgress } from '../workflows/campaignMessages.js';
import { type CampaignStatusView, readCampaignStatus } from './campaignView.js';
import { formatProgressLine } from './progressLine.js';
import { formatDuration } from './temporalConnection.js';

export interface WatchOptions {
  /** How often the progress query runs. */
  pollMs?: number;
  /** Plain lines instead of a progress bar (default: when stdout is not a TTY). */
  plain?: boolean;
  out?: NodeJS.WriteStream;
}

export type WatchEnd = { kind: 'finished'; view: CampaignStatusView } | { kind: 'detached' };

/** The payload shown right of the bar. */
function barPayload(p: CampaignProgress | undefined) {
  if (!p) return { inFlight: 0, outcomes: 'preparing', credits: '0', etaText: '-' };
  const outcomes = Object.entries(p.outcomes)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  return {
    inFlight: p.inFlight,
    outcomes: `${outcomes || 'no outcomes yet'}${p.pausedReason ? ` [paused: ${p.pausedReason}]` : p.status === 'paused' ? ' [paused]' : ''}`,
    credits: `${p.credits.spent}${p.credits.budget !== undefined ? `/${p.credits.budget}` : ''}`,
    etaText: p.etaSeconds !== undefined && p.etaSeconds > 0 ? formatDuration(p.etaSeconds) : '-',
  };
}

/**
 * Shows a campaign's progress until it finishes or the operator presses Ctrl-C, which
 * only detaches: the campaign keeps running on the workers.
 */
export async function watchCampaign(
  client: Client,
  campaignId: string,
  options: WatchOptions = {},
): Promise<WatchEnd> {
  const out = options.out ?? process.stdout;
  const plain = options.plain ?? !out.isTTY;
  const pollMs = options.pollMs ?? 1_000;
  let detached = false;
  let wake: () => void = () => undefined;
  const onSignal = () => {
    detached = true;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const bar = plain
    ? undefined
    : new SingleBar(
        {
          format:
            ' {bar} {value}/{total} rows | {inFlight} in flight | {outcomes} | credits {credits} | ETA {etaText}',
          hideCursor: true,
          stream: out,
          clearOnComplete: false,
          stopOnComplete: false,
        },
        Presets.shades_classic,
      );
  let barStarted = false;
  let lastLine = '';
  let lastPrinted = 0;
  try {
    for (;;) {
      const view = await readCampaignStatus(client, campaignId);
      if (view.workflowStatus !== 'RUNNING') {
        if (bar && barStarted) {
          const total = view.result
            ? Object.values(view.result.outcomes).reduce((a, b) => a + (b ?? 0), 0)
            : 0;
          if (total > 0) bar.setTotal(total);
          bar.update(total);
          bar.stop();
        }
        return { kind: 'finished', view };
      }
      // While preparing, the campaign answers with status 'preparing' and no plan yet.
      const p = view.progress?.status === 'preparing' ? undefined : view.progress;
      if (bar) {
        if (!barStarted) {
          bar.start(p?.rows.valid ?? 0, p?.rows.finished ?? 0, barPayload(p));
          barStarted = true;
        } else {
          if (p) bar.setTotal(p.rows.valid);
          bar.update(p?.rows.finished ?? 0, barPayload(p));
        }
      } else {
        const waiting = view.progress?.waitingForContacts;
        const line = p
          ? formatProgressLine(p)
          : waiting
            ? `waiting for contacts file ${waiting.file} (gives up at ${waiting.giveUpAt})...`
            : 'preparing (reading and checking the contacts)...';
        const now = Date.now();
        if (line !== lastLine || now - lastPrinted > 30_000) {
          out.write(`  ${line}\n`);
          lastLine = line;
          lastPrinted = now;
        }
      }
      if (!detached)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      if (detached) {
        bar?.stop();
        return { kind: 'detached' };
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
