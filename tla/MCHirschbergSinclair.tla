------------------------ MODULE MCHirschbergSinclair ------------------------
(***************************************************************************)
(* Concrete models of HirschbergSinclair for TLC. The .cfg files beside   *)
(* this module choose N, Ids and which id assignments to check:           *)
(*   MCAllOrders3/4/5.cfg  N = 3, 4, 5, every id order (all injections    *)
(*                         from positions to Ids = 1..N);                  *)
(*   MCFixedOrder.cfg      N = 4, one order: the fast regression model;    *)
(*   MCNonProperty.cfg     N = 3, every order, checks LeaderIsNodeZero,    *)
(*                         which is false: TLC must report it violated.    *)
(***************************************************************************)
EXTENDS HirschbergSinclair

\* Every injective assignment of ids to positions: all N! id orders when |Ids| = N.
AllIdOrders == {f \in [Nodes -> Ids] : \A p, q \in Nodes : p # q => f[p] # f[q]}

\* Ids 2, 4, 1, 3 round the ring: the largest is not at position 0 and a
\* smaller id sits between larger ones, so probes are both swallowed and bounced.
FixedIdOrder == {[p \in Nodes |-> <<2, 4, 1, 3>>[p + 1]]}

\* Non-property: "the leader is always the node at position 0". False for
\* every order whose largest id is elsewhere; it shows that TLC can fail.
LeaderIsNodeZero == \A p \in Nodes : leader[p] = id[p] => p = 0
=============================================================================
