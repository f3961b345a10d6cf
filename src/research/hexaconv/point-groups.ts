/**
 * The six HexaConv groups (Hoogeboom et al. 2018, section 3) as translations times a point group that fixes the
 * origin: C1 for z2 and hex, C4 (p4) and D4 (p4m) on the square lattice, C6 (p6) and D6 (p6m) on the hexagonal
 * lattice in axial coordinates (basis (1, 0), (1/2, sqrt(3)/2)). Invariant: every element maps integer offsets to
 * integer offsets as a Euclidean isometry of its lattice, element 0 is the identity, and `compose`/`inverse` make the
 * indices 0..size-1 a group that acts on offsets: act(compose(a, b), p) = act(a, act(b, p)).
 */

import type { Lattice } from '../../arch/kernel-support.js';

export { latticeRadius, type Lattice } from '../../arch/kernel-support.js';

/** The groups `idfz hexaconv` trains, in `--help` order. */
export const GROUP_NAMES = ['z2', 'hex', 'p4', 'p4m', 'p6', 'p6m'] as const;
export type GroupName = (typeof GROUP_NAMES)[number];

/** Whether `value` names a group. */
export function isGroupName(value: unknown): value is GroupName {
  return typeof value === 'string' && (GROUP_NAMES as readonly string[]).includes(value);
}

/**
 * The point group (stabiliser of the origin) of a plane group. Element e = m * rotations + r stands for the map
 * x -> R^r M^m x: first the mirror M when m = 1, then r steps of the basic rotation R (90 degrees on the square
 * lattice, 60 degrees on the hexagonal one).
 */
export interface PointGroup {
  readonly name: GroupName;
  readonly lattice: Lattice;
  /** Number of rotations: 1, 4 or 6. */
  readonly rotations: number;
  /** Whether the mirrors belong to the group. */
  readonly mirrors: boolean;
  /** Number of elements: rotations, doubled with mirrors. */
  readonly size: number;
}

/** The point group of `name`. */
export function pointGroup(name: GroupName): PointGroup {
  const lattice: Lattice = name === 'hex' || name === 'p6' || name === 'p6m' ? 'hex' : 'square';
  const rotations = name === 'p4' || name === 'p4m' ? 4 : name === 'p6' || name === 'p6m' ? 6 : 1;
  const mirrors = name === 'p4m' || name === 'p6m';
  return { name, lattice, rotations, mirrors, size: rotations * (mirrors ? 2 : 1) };
}

function parts(group: PointGroup, element: number): [number, number] {
  return [Math.floor(element / group.rotations), element % group.rotations];
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/**
 * The product a * b (apply b first, then a). Uses M R M = R^-1: (m1, r1)(m2, r2) = (m1 xor m2, r1 + (-1)^m1 r2).
 * @param a, b element indices 0..size-1
 */
export function compose(group: PointGroup, a: number, b: number): number {
  const [m1, r1] = parts(group, a);
  const [m2, r2] = parts(group, b);
  return (m1 ^ m2) * group.rotations + mod(r1 + (m1 === 1 ? -r2 : r2), group.rotations);
}

/** The inverse of `element`: a rotation's inverse rotates back; a mirror (any m = 1 element) is its own inverse. */
export function inverse(group: PointGroup, element: number): number {
  const [m, r] = parts(group, element);
  return m === 1 ? element : mod(-r, group.rotations);
}

/**
 * One rotation step of an integer offset (u, v), where u runs along the columns and v along the rows of the storage
 * array: 90 degrees (u, v) -> (-v, u) on the square lattice; 60 degrees (u, v) -> (-v, u + v) on the hexagonal
 * lattice (axial coordinates: u e1 + v e2 goes to u e2 + v (e2 - e1)).
 */
function rotateOnce(lattice: Lattice, u: number, v: number): [number, number] {
  return lattice === 'square' ? [-v, u] : [-v, u + v];
}

/** The mirror x -> -x: (u, v) -> (-u, v) on the square lattice, (u, v) -> (-u - v, v) in axial coordinates. */
function mirror(lattice: Lattice, u: number, v: number): [number, number] {
  return lattice === 'square' ? [-u, v] : [-u - v, v];
}

/** Where `element` sends the integer offset (u, v) (u along columns, v along rows). */
export function act(group: PointGroup, element: number, u: number, v: number): [number, number] {
  const [m, r] = parts(group, element);
  let point: [number, number] = m === 1 ? mirror(group.lattice, u, v) : [u, v];
  for (let i = 0; i < r; i++) point = rotateOnce(group.lattice, point[0], point[1]);
  return [point[0] + 0, point[1] + 0]; // + 0 turns -0 into 0
}

/**
 * The Cartesian position of lattice offset (u, v): (u, v) itself on the square lattice; u e1 + v e2 with
 * e1 = (1, 0), e2 = (1/2, sqrt(3)/2) on the hexagonal lattice.
 */
export function cartesian(lattice: Lattice, u: number, v: number): [number, number] {
  return lattice === 'square' ? [u, v] : [u + v / 2, (v * Math.sqrt(3)) / 2];
}

