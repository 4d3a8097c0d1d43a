import { z } from 'zod';

const count = z.number().int().positive().default(1);

/** Faults injected into the next start-call requests, consumed in list order. */
export const startCallFaultSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('429'),
    count,
    retry_after: z.number().nonnegative().default(1),
    retry_after_format: z.enum(['seconds', 'http-date']).default('seconds'),
  }),
  // Answers 500 and places nothing.
  z.strictObject({ type: z.literal('500'), count }),
  // Places the call, then answers 500: the client cannot know it exists.
  z.strictObject({ type: z.literal('500_after_create'), count }),
  // Places the call, then destroys the socket without answering.
  z.strictObject({ type: z.literal('drop_after_create'), count }),
  // Places the call, answers after delay_ms of real time.
  z.strictObject({ type: z.literal('slow'), count, delay_ms: z.number().int().nonnegative().default(3000) }),
  // Any answer the API reference does not document (a 2xx without `success`, an empty
  // 201, an HTML page, a 3xx, a 409...), after placing the call or not (`create`).
  z.strictObject({
    type: z.literal('answer'),
    count,
    status: z.number().int().min(200).max(599),
    body: z
      .string()
      .max(64 * 1024)
      .default(''),
    content_type: z.string().default('application/json'),
    /** `{{sid}}` in body is replaced by the placed call's sid. */
    create: z.boolean().default(true),
  }),
]);

export const faultsSchema = z.strictObject({
  start_call: z.array(startCallFaultSchema).default([]),
  webhooks: z
    .strictObject({
      duplicate: z.boolean().default(false),
      reorder: z.boolean().default(false),
      drop: z.number().int().nonnegative().default(0),
    })
    .default({ duplicate: false, reorder: false, drop: 0 }),
});

export type StartCallFault = z.infer<typeof startCallFaultSchema>;
export type Faults = z.infer<typeof faultsSchema>;

export interface WebhookFaults {
  duplicate: boolean;
  reorder: boolean;
  /** Deliveries still to be lost. */
  drop: number;
}

/** The faults currently armed; PUT /_sim/faults replaces them all. */
export class FaultPlan {
  private startCall: Array<{ fault: StartCallFault; remaining: number }> = [];
  private webhookFaults: WebhookFaults = { duplicate: false, reorder: false, drop: 0 };

  set(faults: Faults): void {
    this.startCall = faults.start_call.map((fault) => ({ fault, remaining: fault.count }));
    this.webhookFaults = { ...faults.webhooks };
  }

  reset(): void {
    this.set({ start_call: [], webhooks: { duplicate: false, reorder: false, drop: 0 } });
  }

  /** The fault for this start-call request, if any is left; consumes one use of it. */
  takeStartCallFault(): StartCallFault | undefined {
    const head = this.startCall[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.startCall.shift();
    return head.fault;
  }

  /** True when this delivery is to be lost; consumes one from the drop budget. */
  takeWebhookDrop(): boolean {
    if (this.webhookFaults.drop <= 0) return false;
    this.webhookFaults.drop -= 1;
    return true;
  }

  get webhooks(): Readonly<WebhookFaults> {
    return this.webhookFaults;
  }

  /** What is still armed, for GET /_sim/faults. */
  snapshot(): { start_call: Array<StartCallFault & { remaining: number }>; webhooks: WebhookFaults } {
    return {
      start_call: this.startCall.map(({ fault, remaining }) => ({ ...fault, remaining })),
      webhooks: { ...this.webhookFaults },
    };
  }
}
