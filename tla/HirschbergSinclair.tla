------------------------- MODULE HirschbergSinclair -------------------------
(***************************************************************************)
(* Hirschberg-Sinclair leader election on a bidirectional ring.           *)
(*                                                                         *)
(*   D. S. Hirschberg, J. B. Sinclair, "Decentralized extrema-finding in   *)
(*   circular configurations of processors", CACM 23(11):627-628, 1980.    *)
(*   N. Lynch, Distributed Algorithms, Morgan Kaufmann 1996, section 3.4.  *)
(*                                                                         *)
(* In phase k every node that is still a candidate sends a probe to       *)
(* distance 2^k both ways. A probe from a smaller id is swallowed; a       *)
(* probe that reaches distance 2^k comes back as a reply. A node that gets *)
(* both replies of phase k starts phase k+1. A node whose own probe comes  *)
(* back round the ring has the largest id: it becomes leader and sends an  *)
(* announcement rightwards once round the ring.                           *)
(*                                                                         *)
(* This module models src/core/hs.ts message for message, with the same   *)
(* names: sides "left"/"right" (node p's right neighbour is p+1 mod N, and *)
(* a message sent out of p's right side arrives on that neighbour's left   *)
(* side), message kinds "probe" (origin, phase, hops), "reply" (origin,    *)
(* phase) and "announcement" (leader), statuses idle/active/leader/done    *)
(* and one TLA+ action per core transition (types.ts ACTIONS).            *)
(*                                                                         *)
(* The link layer under the core (tla/LossyLink.tla) delivers every        *)
(* message exactly once but in any order, so the messages in flight are   *)
(* one set of envelopes [to, side, msg]: a set of per-link bags. A set is  *)
(* enough because HS never has two equal messages on one directed link    *)
(* at once; SentAccounted checks that no send was ever merged away.        *)
(*                                                                         *)
(* The real link deliberately leaves a few messages undelivered: probes    *)
(* and replies abandoned once their sender knows the leader, data reaching *)
(* a lingering (finished) node, and a final announcement given up after    *)
(* 128 unanswered retries. To the cores such a run is a behaviour of this  *)
(* spec in which those messages stay in flight, so the invariants still    *)
(* hold and only Termination (inflight = {}) may not. This argument is in  *)
(* prose (spec/properties.md), not checked by TLC.                         *)
(*                                                                         *)
(* Constants:                                                              *)
(*   N         number of nodes; nodes are the ring positions 0..N-1.       *)
(*   Ids       the identifiers that may be assigned; their order decides   *)
(*             the leader (the largest id wins).                           *)
(*   IdOrders  the id assignments to check: a set of injective functions   *)
(*             from positions 0..N-1 to Ids. The initial state picks any   *)
(*             one, so a model with all injections checks every id order. *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS N, Ids, IdOrders

Nodes == 0 .. N - 1
Sides == {"left", "right"}

ASSUME N \in Nat /\ N >= 1
ASSUME Ids \subseteq Nat /\ Cardinality(Ids) >= N
\* Unique ids: every id assignment is injective and takes its values in Ids.
ASSUME \A f \in IdOrders :
         /\ DOMAIN f = Nodes
         /\ \A p \in Nodes : f[p] \in Ids
         /\ \A p, q \in Nodes : p # q => f[p] # f[q]

NoLeader == -1                       \* leader[p] before p knows the leader

Opposite(d) == IF d = "left" THEN "right" ELSE "left"
Neighbour(p, d) == IF d = "right" THEN (p + 1) % N ELSE (p + N - 1) % N

\* ceil(log2 N): the last phase. Lynch: at most 1 + CeilLog2 phases.
CeilLog2 == CHOOSE k \in 0 .. N : 2^k >= N /\ (k = 0 \/ 2^(k - 1) < N)
Phases == 0 .. CeilLog2

Probe(o, k, h) == [kind |-> "probe", origin |-> o, phase |-> k, hops |-> h]
Reply(o, k) == [kind |-> "reply", origin |-> o, phase |-> k]
Announcement(l) == [kind |-> "announcement", leader |-> l]

Messages ==
  [kind : {"probe"}, origin : Ids, phase : Phases, hops : 1 .. 2^CeilLog2]
    \cup [kind : {"reply"}, origin : Ids, phase : Phases]
    \cup [kind : {"announcement"}, leader : Ids]

\* A message sent out of side d of node p, as it sits in flight.
Out(p, d, m) == [to |-> Neighbour(p, d), side |-> Opposite(d), msg |-> m]

VARIABLES
  id,            \* id[p]: p's identifier (chosen once, never changes)
  status,        \* status[p] \in {"idle", "active", "leader", "done"}
  phase,         \* phase[p]: p's current phase
  repliedLeft,   \* p got the reply of its current phase on its left side
  repliedRight,  \* ... and on its right side
  leader,        \* leader[p]: the leader's id once p knows it, else NoLeader
  inflight,      \* set of envelopes [to, side, msg] sent but not yet received
  nsent,         \* algorithm messages sent so far (for MessageBound)
  ndelivered     \* messages received so far (for SentAccounted)

vars == <<id, status, phase, repliedLeft, repliedRight, leader, inflight, nsent, ndelivered>>
nodeVars == <<status, phase, repliedLeft, repliedRight, leader>>

MaxId == CHOOSE x \in {id[p] : p \in Nodes} : \A q \in Nodes : id[q] <= x

Init ==
  /\ id \in IdOrders
  /\ status = [p \in Nodes |-> "idle"]
  /\ phase = [p \in Nodes |-> 0]
  /\ repliedLeft = [p \in Nodes |-> FALSE]
  /\ repliedRight = [p \in Nodes |-> FALSE]
  /\ leader = [p \in Nodes |-> NoLeader]
  /\ inflight = {}
  /\ nsent = 0
  /\ ndelivered = 0

(* Sending: S is the set of envelopes a step sends, n how many sends the   *)
(* core made (its command list). They differ only if a send was merged.   *)
SendAfterReceive(e, S, n) ==
  /\ inflight' = (inflight \ {e}) \cup S
  /\ nsent' = nsent + n
  /\ ndelivered' = ndelivered + 1

\* Receiving e with no send.
Consume(e) == SendAfterReceive(e, {}, 0)

ProbeBothWays(p, k) == {Out(p, "left", Probe(id[p], k, 1)), Out(p, "right", Probe(id[p], k, 1))}

\* e may be handed to the core of p now: the link layer holds messages for a node until it starts.
Deliverable(p, e) == e \in inflight /\ e.to = p /\ status[p] # "idle"

KnowsLeader(p) == leader[p] # NoLeader

-----------------------------------------------------------------------------
(* The core's transitions. Each receive of a message is exactly one of    *)
(* these, with the guards checked in the order hs.ts checks them.         *)

Start(p) ==
  /\ status[p] = "idle"
  /\ status' = [status EXCEPT ![p] = "active"]
  /\ inflight' = inflight \cup ProbeBothWays(p, 0)
  /\ nsent' = nsent + 2
  /\ UNCHANGED <<id, phase, repliedLeft, repliedRight, leader, ndelivered>>

\* Our own probe went all the way round: no larger id exists. Checked first.
BecomeLeader(p, e) ==
  /\ Deliverable(p, e)
  /\ e.msg.kind = "probe" /\ ~KnowsLeader(p)
  /\ e.msg.origin = id[p]
  /\ status' = [status EXCEPT ![p] = "leader"]
  /\ leader' = [leader EXCEPT ![p] = id[p]]
  /\ SendAfterReceive(e, {Out(p, "right", Announcement(id[p]))}, 1)
  /\ UNCHANGED <<id, phase, repliedLeft, repliedRight>>

SwallowProbe(p, e) ==
  /\ Deliverable(p, e)
  /\ e.msg.kind = "probe" /\ ~KnowsLeader(p)
  /\ e.msg.origin # id[p] /\ e.msg.origin < id[p]
  /\ Consume(e)
  /\ UNCHANGED <<id, nodeVars>>

RelayProbe(p, e) ==
  /\ Deliverable(p, e)
  /\ e.msg.kind = "probe" /\ ~KnowsLeader(p)
  /\ e.msg.origin > id[p]
  /\ e.msg.hops < 2^e.msg.phase
  /\ SendAfterReceive(e, {Out(p, Opposite(e.side),
                               Probe(e.msg.origin, e.msg.phase, e.msg.hops + 1))}, 1)
  /\ UNCHANGED <<id, nodeVars>>

BounceProbe(p, e) ==
  /\ Deliverable(p, e)
  /\ e.msg.kind = "probe" /\ ~KnowsLeader(p)
  /\ e.msg.origin > id[p]
  /\ ~(e.msg.hops < 2^e.msg.phase)
  /\ SendAfterReceive(e, {Out(p, e.side, Reply(e.msg.origin, e.msg.phase))}, 1)
  /\ UNCHANGED <<id, nodeVars>>

RelayReply(p, e) ==
  /\ Deliverable(p, e)
  /\ e.msg.kind = "reply" /\ ~KnowsLeader(p)
  /\ e.msg.origin # id[p]
  /\ SendAfterReceive(e, {Out(p, Opposite(e.side), Reply(e.msg.origin, e.msg.phase))}, 1)
  /\ UNCHANGED <<id, nodeVars>>

\* Our reply of the current phase; the other side's has not come yet.
ReceiveReply(p, e) ==
  /\ Deliverable(p, e)
  /\ e.msg.kind = "reply" /\ ~KnowsLeader(p)
  /\ e.msg.origin = id[p] /\ e.msg.phase = phase[p]
  /\ IF e.side = "left"
       THEN ~repliedRight[p] /\ repliedLeft' = [repliedLeft EXCEPT ![p] = TRUE]
                             /\ UNCHANGED repliedRight
       ELSE ~repliedLeft[p] /\ repliedRight' = [repliedRight EXCEPT ![p] = TRUE]
                            /\ UNCHANGED repliedLeft
  /\ Consume(e)
  /\ UNCHANGED <<id, status, phase, leader>>

\* Both replies of phase k are in: start phase k+1.
AdvancePhase(p, e) ==
  /\ Deliverable(p, e)
  /\ e.msg.kind = "reply" /\ ~KnowsLeader(p)
  /\ e.msg.origin = id[p] /\ e.msg.phase = phase[p]
  /\ IF e.side = "left" THEN repliedRight[p] ELSE repliedLeft[p]
  /\ phase' = [phase EXCEPT ![p] = phase[p] + 1]
  /\ repliedLeft' = [repliedLeft EXCEPT ![p] = FALSE]
  /\ repliedRight' = [repliedRight EXCEPT ![p] = FALSE]
  /\ SendAfterReceive(e, ProbeBothWays(p, phase[p] + 1), 2)
  /\ UNCHANGED <<id, status, leader>>

\* The announcement passes p: p learns the leader, passes it on, and is done.
RelayAnnouncement(p, e) ==
  /\ Deliverable(p, e)
  /\ e.msg.kind = "announcement"
  /\ ~(e.msg.leader = id[p] /\ status[p] = "leader")
  /\ status[p] \notin {"done", "leader"}
  /\ status' = [status EXCEPT ![p] = "done"]
  /\ leader' = [leader EXCEPT ![p] = e.msg.leader]
  /\ SendAfterReceive(e, {Out(p, Opposite(e.side), e.msg)}, 1)
  /\ UNCHANGED <<id, phase, repliedLeft, repliedRight>>

\* The leader's announcement is back: everyone knows.
Finish(p, e) ==
  /\ Deliverable(p, e)
  /\ e.msg.kind = "announcement"
  /\ e.msg.leader = id[p] /\ status[p] = "leader"
  /\ status' = [status EXCEPT ![p] = "done"]
  /\ Consume(e)
  /\ UNCHANGED <<id, phase, repliedLeft, repliedRight, leader>>

(* Late election traffic: a node that knows the leader drops probes and   *)
(* replies; a stale-phase reply to its origin (cannot happen under exactly *)
(* once delivery, kept to mirror the core); an announcement at a node     *)
(* that already has one.                                                   *)
DiscardLate(p, e) ==
  /\ Deliverable(p, e)
  /\ \/ e.msg.kind \in {"probe", "reply"} /\ KnowsLeader(p)
     \/ /\ e.msg.kind = "reply" /\ ~KnowsLeader(p)
        /\ e.msg.origin = id[p] /\ e.msg.phase # phase[p]
     \/ /\ e.msg.kind = "announcement"
        /\ ~(e.msg.leader = id[p] /\ status[p] = "leader")
        /\ status[p] \in {"done", "leader"}
  /\ Consume(e)
  /\ UNCHANGED <<id, nodeVars>>

Receive(p, e) ==
  \/ BecomeLeader(p, e)
  \/ SwallowProbe(p, e)
  \/ RelayProbe(p, e)
  \/ BounceProbe(p, e)
  \/ RelayReply(p, e)
  \/ ReceiveReply(p, e)
  \/ AdvancePhase(p, e)
  \/ RelayAnnouncement(p, e)
  \/ Finish(p, e)
  \/ DiscardLate(p, e)

ReceiveAny(p) == \E e \in inflight : Receive(p, e)

AllDone == \A p \in Nodes : status[p] = "done"

\* Election over and nothing in flight: stutter, so TLC's deadlock check only flags real deadlocks.
Terminated == AllDone /\ inflight = {} /\ UNCHANGED vars

Next ==
  \/ \E p \in Nodes : Start(p) \/ ReceiveAny(p)
  \/ Terminated

\* Every node eventually starts and eventually takes any message waiting for it.
Fairness == \A p \in Nodes : WF_vars(Start(p)) /\ WF_vars(ReceiveAny(p))

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
(* Properties. P-numbers as in spec/properties.md.                         *)

\* P6: every state is well typed (phases within 0..CeilLog2).
TypeOK ==
  /\ id \in [Nodes -> Ids]            \* (and injective, by ASSUME: id never changes)
  /\ status \in [Nodes -> {"idle", "active", "leader", "done"}]
  /\ phase \in [Nodes -> Phases]
  /\ repliedLeft \in [Nodes -> BOOLEAN]
  /\ repliedRight \in [Nodes -> BOOLEAN]
  /\ leader \in [Nodes -> Ids \cup {NoLeader}]
  /\ \A e \in inflight : e.to \in Nodes /\ e.side \in Sides /\ e.msg \in Messages
  /\ nsent \in Nat /\ ndelivered \in Nat

\* P1: at most one node ever decides that it is the leader.
AtMostOneLeader ==
  \A p, q \in Nodes : (leader[p] = id[p] /\ leader[q] = id[q]) => p = q

\* P2: any leader a node knows (itself included) is the largest id.
LeaderIsMax == \A p \in Nodes : KnowsLeader(p) => leader[p] = MaxId

\* P3: once the leader is done (its announcement is back), every node is done and knows it.
Agreement ==
  \A p \in Nodes : (status[p] = "done" /\ leader[p] = id[p]) =>
                      \A q \in Nodes : status[q] = "done" /\ leader[q] = MaxId

\* P4: Lynch's bound on probes and replies plus N for the announcement.
MessageBound == nsent <= 8 * N * (1 + CeilLog2) + N

\* P5: under weak fairness the election ends with nothing left in flight. (The code's link
\* gives up after 128 unanswered retries, so there it is probable, not certain: spec/properties.md.)
Termination == <>(AllDone /\ inflight = {})

\* P6: every send reached the in-flight set: no two equal messages were ever merged in it.
SentAccounted == nsent = ndelivered + Cardinality(inflight)

=============================================================================
