import type { Role } from '../bus/message.js';

/** The run's clocks: the wall-clock budget, each agent's turn timeout, and the --ci dialog timeout. */
export class RunTimers {
  private wall?: NodeJS.Timeout;
  private turn: Partial<Record<Role, NodeJS.Timeout>> = {};
  private dialog: Partial<Record<Role, NodeJS.Timeout>> = {};

  startWall(ms: number, fire: () => void): void {
    this.wall = setTimeout(fire, ms);
  }

  /** (Re)start the timeout of one agent turn. */
  startTurn(role: Role, ms: number, fire: () => void): void {
    this.clearTurn(role);
    this.turn[role] = setTimeout(fire, ms);
  }

  clearTurn(role: Role): void {
    clearTimeout(this.turn[role]);
    delete this.turn[role];
  }

  startDialog(role: Role, ms: number, fire: () => void): void {
    this.clearDialog(role);
    this.dialog[role] = setTimeout(fire, ms);
  }

  clearDialog(role: Role): void {
    clearTimeout(this.dialog[role]);
    delete this.dialog[role];
  }

  clearAll(): void {
    clearTimeout(this.wall);
    for (const role of Object.keys(this.turn) as Role[]) this.clearTurn(role);
    for (const role of Object.keys(this.dialog) as Role[]) this.clearDialog(role);
  }
}
