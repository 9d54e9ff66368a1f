namespace SharpDistill.TorchImport;

/// <summary>How a checkpoint's state dict is found and its keys matched to a module's names.</summary>
public sealed record ImportOptions
{
    /// <summary>
    /// The top-level key that holds the state dict. Null: the top level itself when it is a state
    /// dict, else the first of "state_dict", "model_state_dict", "model" that holds one.
    /// </summary>
    public string? StateDictKey { get; init; }

    /// <summary>
    /// Prefixes removed when EVERY key carries them, in order. The default removes the "module."
    /// that DataParallel and DistributedDataParallel add.
    /// </summary>
    public IReadOnlyList<string> StripPrefixes { get; init; } = new[] { "module." };

    /// <summary>
    /// Maps a checkpoint key (after prefix stripping) to the module's name for it, or to null to
    /// drop the entry; for models whose names differ from the reference implementation's.
    /// </summary>
    public Func<string, string?>? MapKey { get; init; }

    /// <summary>With true (the default), missing and unexpected keys are errors, as in PyTorch's load_state_dict.</summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Opt-in leniency for checkpoints written by training scripts, which often pickle more than the
    /// weights (an argparse.Namespace of the run's options, numpy scalars for the best accuracy).
    /// True: every global outside the allow-list is read as an inert placeholder — never imported,
    /// never called, its arguments and state dropped — and named in <see cref="ImportReport.Placeholders"/>,
    /// so the tensors beside it still import. False (the default): such a file is refused.
    /// </summary>
    public bool AllowUnknownGlobals { get; init; }

    public static ImportOptions Default { get; } = new();
}
