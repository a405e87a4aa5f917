------------------------ MODULE MCHirschbergSinclair ------------------------
(***************************************************************************)
(* Concrete models of HirschbergSinclair for TLC. The .cfg files beside   *)
(* this module choose N, Ids and which id assignments to check:           *)
(*   MCFixedOrder.cfg      N = 3, one order: the fast regression model;    *)
(*   MCAllOrders3/4.cfg    N = 3, 4, every id order (all injections from   *)
(*                         positions to Ids = 1..N), full interleaving;    *)
(*   MCReduced3/5.cfg      N = 3, 5, every id order, with the partial-    *)
(*                         order reduction ReducedSpec below (the full     *)
(*                         N = 5 graph has about 530,000 states per order, *)
(*                         64 million for all 120 orders);                 *)
(*   MCNonProperty.cfg     N = 3, one order, checks LeaderIsNodeZero,      *)
(*                         which is false: the checker must report it.    *)
(***************************************************************************)
EXTENDS HirschbergSinclair

\* Every injective assignment of ids to positions: all N! id orders when |Ids| = N.
AllIdOrders == {f \in [Nodes -> Ids] : \A p, q \in Nodes : p # q => f[p] # f[q]}

\* Ids 1, 3, 2 round the ring: the largest is not at position 0, so the
\* non-property fails, and node 2's probes are relayed by 0 but swallowed by 1.
FixedIdOrder == {[p \in Nodes |-> <<1, 3, 2>>[p + 1]]}

(* Partial-order reduction (ReducedSpec, for N = 5). Steps of different nodes commute    *)
(* and never disable one another: a step of q only reads and writes q's   *)
(* local state, removes an envelope addressed to q and adds envelopes;     *)
(* the guards of p's steps read only p's state and envelopes addressed to *)
(* p. So all steps of one node form a persistent set, and ReducedNext     *)
(* lets only the lowest-numbered node that can move take a step (any of   *)
(* its steps). Every step is a Start or consumes a message, so the graph   *)
(* is acyclic: the reduction keeps every deadlock and every terminal       *)
(* state, hence every reachable violation of a stable invariant (once     *)
(* false, false forever: AtMostOneLeader, LeaderIsMax, Agreement,          *)
(* MessageBound, SentAccounted, as leader, status done, phase and nsent    *)
(* never go back). Termination follows from the absence of deadlock (the  *)
(* only stuttering step is Terminated) and is checked too. TypeOK is not  *)
(* stable, so under the reduction it is checked on the states kept only. *)
(*                                                                         *)
(* CanMove(p): p is idle (Start) or a message waits for it. The core has  *)
(* a transition for every message (if not, the model would deadlock and   *)
(* the checker would say so). Written without ENABLED, which tla-checker  *)
(* cannot evaluate.                                                        *)
CanMove(p) == status[p] = "idle" \/ \E e \in inflight : e.to = p

ReducedNext ==
  \/ \E p \in Nodes :
       /\ \A q \in Nodes : q < p => ~CanMove(q)
       /\ Start(p) \/ ReceiveAny(p)
  \/ Terminated

ReducedSpec == Init /\ [][ReducedNext]_vars /\ WF_vars(ReducedNext)

\* Non-property: "the leader is always the node at position 0". False for
\* every order whose largest id is elsewhere; it shows that TLC can fail.
LeaderIsNodeZero == \A p \in Nodes : leader[p] = id[p] => p = 0
=============================================================================
