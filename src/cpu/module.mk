# CPU core unit tests (owner: cpu helper).
