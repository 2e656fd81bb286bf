import { Budget, type Lease } from './budget.js';
import { InFlightPerKey } from './per-key-limits.js';

/** The bounds {@link Admission} keeps; every one is an option of the handler. */
export interface AdmissionLimits {
  /** Requests of known callers handled at once (`maxUploadsInFlight`). */
  maxInFlight: number;
  /** Requests not yet authenticated handled at once (`maxUnauthenticatedInFlight`). */
  maxUnauthenticatedInFlight: number;
  /** Requests of one client address handled at once, of either kind (`maxInFlightPerAddress`). */
  maxInFlightPerAddress: number;
  /** Requests of one client address not yet authenticated (`maxUnauthenticatedPerAddress`). */
  maxUnauthenticatedPerAddress: number;
}

/** One request's places; `release` gives all of them back, once. */
export interface Ticket {
  /**
   * The request has proven who it is (its `authorize` said yes): it moves from the pool of
   * strangers to the pool of known callers, and the stranger's place is free for the next one.
   * 503 `server-busy` when the known callers' pool is full.
   */
  promote(): void;
  release(): void;
}

/**
 * Who may hold the server's room. Requests whose caller is known before their body is read (a
 * session, the host's `authenticate`) take a place in the large pool; requests that are not
 * authenticated yet (sign-ins, installs, uploads whose `authorize` needs the conversation from
 * the body) share a small pool of their own, so that however many strangers connect, they can
 * only ever fill the room given to strangers. Every request also counts against its client
 * address: one address cannot take all of either pool (429 `rate-limited` past its share).
 */
export class Admission {
  private readonly known: Budget;
  private readonly strangers: Budget;
  private readonly perAddress: InFlightPerKey;
  private readonly strangersPerAddress: InFlightPerKey;

  constructor(readonly limits: AdmissionLimits) {
    this.known = new Budget(limits.maxInFlight);
    this.strangers = new Budget(limits.maxUnauthenticatedInFlight);
    this.perAddress = new InFlightPerKey(limits.maxInFlightPerAddress);
    this.strangersPerAddress = new InFlightPerKey(limits.maxUnauthenticatedPerAddress);
  }

  /** Places for a request of a known caller: one of the address's, one of the large pool. */
  admitKnown(address: string | undefined): Ticket {
    return this.admit(address, false);
  }

  /** Only the address's place, for requests that hold no pool's room (a signed preview link). */
  admitAddress(address: string | undefined): Ticket {
    const release = this.perAddress.take(address);
    return { promote: noop, release };
  }

  /** Places for a request not authenticated yet: the address's, the address's strangers', one of the strangers' pool. */
  admitStranger(address: string | undefined): Ticket {
    return this.admit(address, true);
  }

  private admit(address: string | undefined, stranger: boolean): Ticket {
    const given: (() => void)[] = [];
    const release = () => {
      for (const give of given.splice(0).reverse()) give();
    };
    try {
      given.push(this.perAddress.take(address));
      if (stranger) given.push(this.strangersPerAddress.take(address));
      given.push(leaseOf(stranger ? this.strangers : this.known));
    } catch (error) {
      release();
      throw error;
    }
    let promoted = !stranger;
    return {
      promote: () => {
        if (promoted) return;
        const known = leaseOf(this.known);
        promoted = true;
        // The stranger's places (the last two taken) go back; the address's own stays.
        given.pop()?.();
        given.pop()?.();
        given.push(known);
      },
      release,
    };
  }

  /** @internal For tests: places taken in each pool. */
  get inUse(): { known: number; strangers: number; addresses: number } {
    return { known: this.known.used, strangers: this.strangers.used, addresses: this.perAddress.size };
  }
}

function leaseOf(budget: Budget): () => void {
  const lease: Lease = budget.lease();
  lease.take(1);
  return () => lease.release();
}

function noop(): void {}
