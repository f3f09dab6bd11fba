-- wrk script for scripts/bench: a POST without a body, for actions named by their path (buying a reward).
wrk.method = "POST"
