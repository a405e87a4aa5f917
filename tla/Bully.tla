-------------------------------- MODULE Bully --------------------------------
(***************************************************************************)
(* The Bully algorithm on a full mesh, as src/core/bully.ts runs it.      *)
(*                                                                         *)
(*   H. Garcia-Molina, "Elections in a distributed computing system",      *)
(*   IEEE Transactions on Computers C-31(1):48-59, 1982.                   *)
(*                                                                         *)
(* Nodes are the ids 1..N; a larger id wins. A node calls an election by   *)
(* sending "election" to every higher id; a live higher node sends back    *)
(* "answer" and calls its own election. A node that gets no answer takes   *)
(* office and sends "coordinator" to everyone. The leader's heartbeats and *)
(* every timeout are abstracted by a failure detector that is ACCURATE:    *)
(*   - AnswerTimeout(i) is enabled only when no higher node that i can     *)
(*     reach is alive (the code's answer timer outlasts the round trip);  *)
(*   - LeaderTimeout(i) only when i's leader is dead or out of reach (a    *)
(*     follower keeps hearing a live leader's heartbeats);                 *)
(*   - CoordinatorTimeout(i) only when no reachable higher node is still   *)
(*     running an election or leading, and no coordinator is in flight;    *)
(*   - HearLeader(i, j) is i receiving a heartbeat of leader j > i.        *)
(* Crashes are crash-stop: messages to a dead node are lost, messages it   *)
(* sent before dying may still arrive. Messages in flight form a set of    *)
(* [from, to, kind] records, received in any order; a set suffices because *)
(* receiving a message twice does what receiving it once does.            *)
(*                                                                         *)
(* A partition (when AllowPartition) splits the nodes into Side and the    *)
(* rest, once, for ever: messages across are lost and each side's          *)
(* detector sees the other side as dead, which is exactly what a real      *)
(* timeout sees. Then AtMostOneLeader must fail (MCBullyPartition).        *)
(*                                                                         *)
(* Constants:                                                              *)
(*   N               number of nodes (ids 1..N).                           *)
(*   MaxCrashes      how many nodes may crash in a behaviour.              *)
(*   AllowPartition  whether the Partition action exists.                  *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS N, MaxCrashes, AllowPartition

ASSUME N \in Nat /\ N >= 1 /\ MaxCrashes \in 0 .. N - 1 /\ AllowPartition \in BOOLEAN

Nodes == 1 .. N
Kinds == {"election", "answer", "coordinator"}
Statuses == {"electing", "waiting", "follower", "leader"}
NoLeader == 0

VARIABLES status, leader, alive, msgs, side, crashes

vars == <<status, leader, alive, msgs, side, crashes>>

\* i and j can talk: no partition, or both on the same side of it.
Reach(i, j) == (i \in side) = (j \in side)

\* Messages from i to each of `targets` it can reach and that are alive; the rest are lost.
Sends(i, targets, kind) == {[from |-> i, to |-> j, kind |-> kind] : j \in {t \in targets : alive[t] /\ Reach(i, t)}}

Higher(i) == {j \in Nodes : j > i}
Others(i) == Nodes \ {i}
MaxLive == CHOOSE m \in Nodes : alive[m] /\ \A j \in Nodes : alive[j] => j <= m

\* All nodes start together: each calls an election, and N, with nobody above it, takes office at once.
Init ==
  /\ status = [i \in Nodes |-> IF i = N THEN "leader" ELSE "electing"]
  /\ leader = [i \in Nodes |-> IF i = N THEN N ELSE NoLeader]
  /\ alive = [i \in Nodes |-> TRUE]
  /\ msgs = {m \in [from : Nodes, to : Nodes, kind : {"election"}] : m.to > m.from}
            \cup {[from |-> N, to |-> j, kind |-> "coordinator"] : j \in Others(N)}
  /\ side = {}
  /\ crashes = 0

\* The state change and messages of CallElection at i, with `rest` the other messages.
ElectionAt(i, rest) ==
  IF Higher(i) = {}
  THEN /\ status' = [status EXCEPT ![i] = "leader"]
       /\ leader' = [leader EXCEPT ![i] = i]
       /\ msgs' = rest \cup Sends(i, Others(i), "coordinator")
  ELSE /\ status' = [status EXCEPT ![i] = "electing"]
       /\ leader' = [leader EXCEPT ![i] = NoLeader]
       /\ msgs' = rest \cup Sends(i, Higher(i), "election")

Receive(m) ==
  LET i == m.to
      j == m.from
      rest == msgs \ {m}
  IN /\ m \in msgs
     /\ alive[i]
     /\ CASE m.kind = "election" ->
               \* A follower whose leader is on time only answers; one that missed a beat calls its own.
               IF status[i] = "follower" /\ (~alive[leader[i]] \/ ~Reach(i, leader[i]))
               THEN ElectionAt(i, rest \cup Sends(i, {j}, "answer"))
               ELSE /\ msgs' = rest \cup Sends(i, {j}, "answer")
                                    \cup (IF status[i] = "leader" THEN Sends(i, {j}, "coordinator") ELSE {})
                    /\ UNCHANGED <<status, leader>>
          [] m.kind = "answer" ->
               /\ status' = IF status[i] = "electing" THEN [status EXCEPT ![i] = "waiting"] ELSE status
               /\ msgs' = rest
               /\ UNCHANGED leader
          [] m.kind = "coordinator" /\ j > i ->
               /\ status' = [status EXCEPT ![i] = "follower"]
               /\ leader' = [leader EXCEPT ![i] = j]
               /\ msgs' = rest
          [] m.kind = "coordinator" /\ j < i ->
               /\ msgs' = rest \cup (IF status[i] = "leader" THEN Sends(i, {j}, "coordinator") ELSE {})
               /\ UNCHANGED <<status, leader>>
     /\ UNCHANGED <<alive, side, crashes>>

\* No answer can come: every higher node is dead or out of reach, and none is in flight.
AnswerTimeout(i) ==
  /\ alive[i] /\ status[i] = "electing"
  /\ \A j \in Higher(i) : ~alive[j] \/ ~Reach(i, j)
  /\ ~\E m \in msgs : m.to = i /\ m.kind = "answer"
  /\ status' = [status EXCEPT ![i] = "leader"]
  /\ leader' = [leader EXCEPT ![i] = i]
  /\ msgs' = msgs \cup Sends(i, Others(i), "coordinator")
  /\ UNCHANGED <<alive, side, crashes>>

\* Answered, but no coordinator can come any more: call the election again.
CoordinatorTimeout(i) ==
  /\ alive[i] /\ status[i] = "waiting"
  /\ \A j \in Higher(i) : ~alive[j] \/ ~Reach(i, j) \/ status[j] = "follower"
  /\ ~\E m \in msgs : m.to = i /\ m.kind = "coordinator" /\ m.from > i
  /\ ElectionAt(i, msgs)
  /\ UNCHANGED <<alive, side, crashes>>

\* The leader's heartbeats stopped: it is dead or out of reach.
LeaderTimeout(i) ==
  /\ alive[i] /\ status[i] = "follower"
  /\ ~alive[leader[i]] \/ ~Reach(i, leader[i])
  /\ ElectionAt(i, msgs)
  /\ UNCHANGED <<alive, side, crashes>>

\* i receives a heartbeat of a higher leader j and follows it (a lower leader steps down).
HearLeader(i, j) ==
  /\ alive[i] /\ alive[j] /\ Reach(i, j) /\ j > i
  /\ status[j] = "leader"
  /\ ~(status[i] = "follower" /\ leader[i] = j)
  /\ status' = [status EXCEPT ![i] = "follower"]
  /\ leader' = [leader EXCEPT ![i] = j]
  /\ UNCHANGED <<alive, msgs, side, crashes>>

Crash(i) ==
  /\ alive[i] /\ crashes < MaxCrashes
  /\ alive' = [alive EXCEPT ![i] = FALSE]
  /\ msgs' = {m \in msgs : m.to # i}
  /\ crashes' = crashes + 1
  /\ UNCHANGED <<status, leader, side>>

\* Cut the mesh in two for good; messages across the cut are lost.
Partition(s) ==
  /\ AllowPartition /\ side = {}
  /\ side' = s
  /\ msgs' = {m \in msgs : (m.from \in s) = (m.to \in s)}
  /\ UNCHANGED <<status, leader, alive, crashes>>

\* Every live node follows the highest live id, which leads.
Settled == \A i \in Nodes : alive[i] => (leader[i] = MaxLive /\ (status[i] = "leader" <=> i = MaxLive))

\* A stuttering step once the election is over, so that TLC's deadlock check means "stuck".
Terminated == Settled /\ msgs = {} /\ UNCHANGED vars

Next ==
  \/ \E m \in msgs : Receive(m)
  \/ \E i \in Nodes : AnswerTimeout(i) \/ CoordinatorTimeout(i) \/ LeaderTimeout(i) \/ Crash(i)
  \/ \E i, j \in Nodes : HearLeader(i, j)
  \/ \E s \in SUBSET Nodes : s # {} /\ s # Nodes /\ Partition(s)
  \/ Terminated

\* Every step but a crash or the partition is eventually taken when it stays enabled.
Fairness ==
  /\ \A m \in [from : Nodes, to : Nodes, kind : Kinds] : WF_vars(Receive(m))
  /\ \A i \in Nodes : WF_vars(AnswerTimeout(i)) /\ WF_vars(CoordinatorTimeout(i)) /\ WF_vars(LeaderTimeout(i))
  /\ \A i, j \in Nodes : WF_vars(HearLeader(i, j))

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
TypeOK ==
  /\ status \in [Nodes -> Statuses]
  /\ leader \in [Nodes -> Nodes \cup {NoLeader}]
  /\ alive \in [Nodes -> BOOLEAN]
  /\ msgs \subseteq [from : Nodes, to : Nodes, kind : Kinds]
  /\ side \subseteq Nodes
  /\ crashes \in 0 .. MaxCrashes

Leaders == {i \in Nodes : alive[i] /\ status[i] = "leader"}

\* One leader at a time among the live nodes.
AtMostOneLeader == Cardinality(Leaders) <= 1

\* The safe half of "leader is the max": a live leader is the highest live id.
LeaderIsMaxLive == \A i \in Leaders : i = MaxLive

\* After the last crash Settled holds for good: LeaderIsMax ("highest live id, eventually"),
\* Agreement and Termination of the Bully row, under the accurate detector.
EventuallySettled == <>[]Settled
=============================================================================
