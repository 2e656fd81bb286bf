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
  /** Uploads of known callers of one location (an SSO session's) at once (`maxUploadsPerLocation`). */
  maxUploadsPerLocation: number;
}

/** One request's places; `release` gives all of them back, once. */
export interface Ticket {
  /**
   * Aborts when a newer stranger took this request's place while it was still waiting for the
   * client to show who it is: it is then answered 503 `server-busy` (and retries, as the widget
   * does). Never aborts for a known caller, nor once `proven` or `promote` was called.
   */
  evicted: AbortSignal;
  /** The client has sent what it had to (a sign-in's body): the place is no longer evictable. */
  proven(): void;
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
  private readonly perLocation: InFlightPerKey;
  /** Strangers still waiting for their client, oldest first (a Set keeps insertion order). */
  private readonly waiting = new Set<{ evict: () => void }>();

  constructor(readonly limits: AdmissionLimits) {
    this.known = new Budget(limits.maxInFlight);
    this.strangers = new Budget(limits.maxUnauthenticatedInFlight);
    this.perAddress = new InFlightPerKey(limits.maxInFlightPerAddress);
    this.strangersPerAddress = new InFlightPerKey(limits.maxUnauthenticatedPerAddress);
    this.perLocation = new InFlightPerKey(limits.maxUploadsPerLocation);
  }

  /**
   * Places for a request of a known caller: one of the address's, one of its location's (so that
   * the users of one sub-account cannot take every place from the others), one of the large pool.
   */
  admitKnown(address: string | undefined, locationId?: string): Ticket {
    return this.admit(address, false, locationId);
  }

  /** Only the address's place, for requests that hold no pool's room (a signed preview link). */
  admitAddress(address: string | undefined): Ticket {
    const release = this.perAddress.take(address);
    return { evicted: NEVER, proven: noop, promote: noop, release };
  }

  /** Places for a request not authenticated yet: the address's, the address's strangers', one of the strangers' pool. */
  admitStranger(address: string | undefined): Ticket {
    return this.admit(address, true);
  }

  private admit(address: string | undefined, stranger: boolean, locationId?: string): Ticket {
    const given: (() => void)[] = [];
    const controller = new AbortController();
    const entry = {
      evict: () => {
        this.waiting.delete(entry);
        // Its pool place goes to the newcomer now; its address places stay until it has answered.
        given.pop()?.();
        controller.abort();
      },
    };
    const settled = () => this.waiting.delete(entry);
    const release = () => {
      settled();
      for (const give of given.splice(0)) give();
    };
    try {
      given.push(this.perAddress.take(address));
      if (stranger) given.push(this.strangersPerAddress.take(address));
      else given.push(this.perLocation.take(locationId));
      given.push(stranger ? this.strangerPlace() : leaseOf(this.known));
    } catch (error) {
      release();
      throw error;
    }
    if (stranger) this.waiting.add(entry);
    let promoted = !stranger;
    return {
      evicted: controller.signal,
      proven: settled,
      promote: () => {
        if (promoted || controller.signal.aborted) return;
        const known = leaseOf(this.known);
        promoted = true;
        settled();
        // The stranger's places (the last two taken) go back; the address's own stays.
        given.pop()?.();
        given.pop()?.();
        given.push(known);
      },
      release,
    };
  }

  /**
   * A place in the strangers' pool; when it is full, the oldest stranger still waiting for its
   * client gives up its place. A flood that holds every place for the deadline, and comes back,
   * then cannot keep a newcomer out: the newcomer gets in at once and needs only milliseconds to
   * show who it is, while the flood's oldest holder is told 503.
   */
  private strangerPlace(): () => void {
    try {
      return leaseOf(this.strangers);
    } catch (error) {
      const oldest = this.waiting.values().next().value;
      if (!oldest) throw error;
      oldest.evict();
      return leaseOf(this.strangers);
    }
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

const NEVER = new AbortController().signal;
