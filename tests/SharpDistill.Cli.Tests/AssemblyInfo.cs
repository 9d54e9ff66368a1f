// The verbs share one libtorch and the process-wide console: run the tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
