// One release is packaged, installed and run at a time: each publish takes both cores of a small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
