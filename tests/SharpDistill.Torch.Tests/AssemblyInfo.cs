// Tests share one libtorch and compare process-wide live-tensor counts: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
