----------------------------- MODULE LossyLink -----------------------------
(***************************************************************************)
(* The link layer beneath the HS core, on one directed link (the reverse  *)
(* link is the same protocol with the roles swapped, and the two do not   *)
(* interact). UDP may lose, duplicate and reorder datagrams; this layer   *)
(* turns it into the channel HirschbergSinclair.tla assumes: every        *)
(* message the sender's core sends is handed to the receiver's core       *)
(* exactly once, in any order.                                             *)
(*                                                                         *)
(* Sender: numbers messages on the link 0, 1, 2, ... (seq), keeps each    *)
(* until acknowledged and retransmits it on a timeout (any time: timeouts *)
(* are nondeterministic here). Receiver: delivers seq s to its core only  *)
(* if s was not delivered before, and answers every data datagram,        *)
(* duplicates included, with an ack: cumulative "all seqs below cum are   *)
(* delivered" plus the selective set of delivered seqs above cum.         *)
(* Both channels are sets of datagrams: receiving may leave the datagram  *)
(* in place (duplication), Lose* removes it, and sets have no order.      *)
(*                                                                         *)
(* Assumptions the code meets only in part (spec/properties.md, "Where  *)
(* the code departs from the models"):                                     *)
(* - Every datagram here comes from the real sender. P7 and P8 hold on a   *)
(*   keyed ring (--key-file) or a trusted network; without a key a forged  *)
(*   or replayed frame can reach the core.                                 *)
(* - The sender retransmits until acknowledged and the receiver hands      *)
(*   every new message to its core. The code abandons unacknowledged       *)
(*   probes and replies once its node has decided, gives up a final        *)
(*   announcement after 128 unanswered retries, and a lingering node       *)
(*   acknowledges data without handing it to its core.                     *)
(*   AckedImpliesDelivered and P9 describe this model, not those cases;    *)
(*   why safety is unaffected is argued in prose, not checked here.        *)
(*                                                                         *)
(* Constant:                                                               *)
(*   M   number of messages the sender's core sends on the link (seqs     *)
(*       0..M-1); a small M keeps the model finite and small.             *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANT M

ASSUME M \in Nat /\ M >= 1

Seqs == 0 .. M - 1

VARIABLES
  next,       \* seq of the next message the sender's core sends
  unacked,    \* seqs the sender keeps for retransmission
  data,       \* data datagrams (seqs) in flight, sender -> receiver
  acks,       \* ack datagrams [cum, sel] in flight, receiver -> sender
  rcvd,       \* seqs the receiver has delivered to its core
  deliveries  \* deliveries[s]: times the receiver's core was handed s

vars == <<next, unacked, data, acks, rcvd, deliveries>>

\* The ack for the receiver's current knowledge: cum is the least undelivered seq.
Cum(r) == CHOOSE c \in 0 .. M : c \notin r /\ \A s \in 0 .. c - 1 : s \in r
AckFor(r) == [cum |-> Cum(r), sel |-> {s \in r : s > Cum(r)}]
Covers(a, s) == s < a.cum \/ s \in a.sel

Init ==
  /\ next = 0
  /\ unacked = {}
  /\ data = {}
  /\ acks = {}
  /\ rcvd = {}
  /\ deliveries = [s \in Seqs |-> 0]

\* The sender's core sends its next message: numbered and sent once.
Send ==
  /\ next < M
  /\ next' = next + 1
  /\ unacked' = unacked \cup {next}
  /\ data' = data \cup {next}
  /\ UNCHANGED <<acks, rcvd, deliveries>>

\* Timeout: send an unacknowledged message again.
Retransmit(s) ==
  /\ s \in unacked
  /\ data' = data \cup {s}
  /\ UNCHANGED <<next, unacked, acks, rcvd, deliveries>>

(* A data datagram arrives; it may stay in the channel (a duplicate that   *)
(* arrives later). Deliver it to the core only if new; ack it either way,  *)
(* since an earlier ack may have been lost.                                *)
ReceiveData(s) ==
  /\ s \in data
  /\ \E keep \in BOOLEAN : data' = IF keep THEN data ELSE data \ {s}
  /\ rcvd' = rcvd \cup {s}
  /\ deliveries' = IF s \in rcvd THEN deliveries
                   ELSE [deliveries EXCEPT ![s] = @ + 1]
  /\ acks' = acks \cup {AckFor(rcvd \cup {s})}
  /\ UNCHANGED <<next, unacked>>

\* An ack arrives (maybe a duplicate, maybe stale): forget what it covers.
ReceiveAck(a) ==
  /\ a \in acks
  /\ \E keep \in BOOLEAN : acks' = IF keep THEN acks ELSE acks \ {a}
  /\ unacked' = {s \in unacked : ~Covers(a, s)}
  /\ UNCHANGED <<next, data, rcvd, deliveries>>

LoseData(s) ==
  /\ s \in data
  /\ data' = data \ {s}
  /\ UNCHANGED <<next, unacked, acks, rcvd, deliveries>>

LoseAck(a) ==
  /\ a \in acks
  /\ acks' = acks \ {a}
  /\ UNCHANGED <<next, unacked, data, rcvd, deliveries>>

\* All sent, all delivered, all acked: stutter so that TLC's deadlock check stays meaningful.
Quiet == next = M /\ unacked = {} /\ UNCHANGED vars

Next ==
  \/ Send
  \/ \E s \in Seqs : Retransmit(s) \/ ReceiveData(s) \/ LoseData(s)
  \/ \E a \in acks : ReceiveAck(a) \/ LoseAck(a)
  \/ Quiet

(* Fairness: the core keeps sending; a timeout eventually fires for a     *)
(* message still unacked (weak); a datagram sent again and again is not   *)
(* lost every time (strong fairness on receiving it, which is enabled     *)
(* only now and then since it may be lost); likewise an ack covering s.   *)
Fairness ==
  /\ WF_vars(Send)
  /\ \A s \in Seqs : WF_vars(Retransmit(s))
  /\ \A s \in Seqs : SF_vars(ReceiveData(s))
  /\ \A s \in Seqs : SF_vars(\E a \in acks : Covers(a, s) /\ ReceiveAck(a))

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
TypeOK ==
  /\ next \in 0 .. M
  /\ unacked \subseteq Seqs /\ data \subseteq Seqs /\ rcvd \subseteq Seqs
  /\ \A a \in acks : a.cum \in 0 .. M /\ a.sel \subseteq Seqs
  /\ deliveries \in [Seqs -> Nat]

\* P7: the core receives each message at most once ...
NoDuplicateDelivery == \A s \in Seqs : deliveries[s] <= 1

\* P8: ... and only messages that were sent.
NoInvention == \A s \in Seqs : deliveries[s] > 0 => s < next

\* P8: safety under loss: the sender drops a message only after the receiver has it.
AckedImpliesDelivered == \A s \in Seqs : (s < next /\ s \notin unacked) => deliveries[s] = 1

\* P9: liveness: every sent message is eventually delivered and acknowledged.
EventuallyDeliveredAndAcked ==
  \A s \in Seqs : (s < next) ~> (deliveries[s] = 1 /\ s \notin unacked)

\* P9: and the link goes quiet: all M delivered, nothing left to retransmit.
AllDelivered == <>[](next = M /\ unacked = {} /\ \A s \in Seqs : deliveries[s] = 1)
=============================================================================
