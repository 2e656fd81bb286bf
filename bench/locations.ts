/**
 * The sub-accounts the benchmark spreads its uploads over. HighLevel allows 100 requests per
 * 10 s per location, and the BFF keeps to that pace (100 per 11 s, its default); with one location
 * that pace, not the BFF, would set the throughput. Over these, no location gets near it, so the
 * pace stays on, as in production, and the figures measure the proxy.
 */
export const LOCATIONS = Array.from({ length: 32 }, (_, index) => `bench-location-${index + 1}`);

/** The mock's token of each location. */
export const tokenOf = (locationId: string): string => `bench-token-${locationId}`;

/** The header by which the bench's client names its location, as a host app's session would. */
export const LOCATION_HEADER = 'x-bench-location';

/** Headers for the `index`-th upload: the locations in turn. */
export const spreadOverLocations = (index: number): Record<string, string> => ({ [LOCATION_HEADER]: LOCATIONS[index % LOCATIONS.length]! });
