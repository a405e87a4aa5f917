---------------------------- MODULE MCLossyLink ----------------------------
(* Model of LossyLink: see MCLossyLink.cfg (M = 3 messages on one link). *)
EXTENDS LossyLink
=============================================================================
