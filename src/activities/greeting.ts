/**
 * The first end-to-end slice: proves a Worker on the real dev server runs a workflow
 * that calls an activity. The campaign engine replaces it.
 */
export interface GreetingActivities {
  composeGreeting(name: string): Promise<string>;
}

export function createGreetingActivities(deps: { greeting: string }): GreetingActivities {
  return {
    async composeGreeting(name: string): Promise<string> {
      return `${deps.greeting}, ${name}!`;
    },
  };
}
