/**
 * Reloads that overlap (activation, Refresh, file changes) where only the newest may publish its
 * result. `run` hands the load a check "am I still the newest?"; `settled` resolves once no reload
 * is in flight, so callers wait for the data, not for time.
 */
export class NewestReload {
  private generation = 0;
  private loading: Promise<void> = Promise.resolve();

  /**
   * Resolves once this load and any newer one have finished: a caller that awaits it (a command
   * that just wrote pgo.yaml) then sees data at least as new as its own load, even when a file
   * watcher's reload overtook it. A failure of this load still rejects.
   */
  run(load: (isNewest: () => boolean) => Promise<void>): Promise<void> {
    const generation = ++this.generation;
    const loading = load(() => generation === this.generation);
    this.loading = loading.catch(() => undefined);
    return loading.then(() => this.settled());
  }

  async settled(): Promise<void> {
    // A reload started while we waited replaces `loading`: wait for that one too.
    for (;;) {
      const current = this.loading;
      await current;
      if (current === this.loading) return;
    }
  }
}
