using System.CommandLine;
using SharpDistill.TorchImport;
using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// Runs a verb's body and turns every expected failure into one readable line plus a hint on
/// stderr and a non-zero exit code (never a stack trace for bad input).
/// Exit codes: 0 ok, 1 a check failed (e.g. conformance), 2 bad input or environment, 3 training diverged,
/// 4 a data-parallel job lost a worker, 130 interrupted.
/// </summary>
public static class CliErrors
{
    public const int Ok = 0, CheckFailed = 1, BadInput = 2, Diverged = 3, WorkerLost = 4, Interrupted = 130;

    public static int Run(Func<int> body) => Run(Console.Error, body);

    /// <summary>Like <see cref="Run(Func{int})"/>, writing to the invocation's error writer (which tests replace).</summary>
    public static int Run(ParseResult parseResult, Func<int> body) => Run(parseResult.InvocationConfiguration.Error, body);

    private static int Run(TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (Describe(e) is { } described)
        {
            error.WriteLine($"error: {described.Message}");
            if (described.Hint != null) error.WriteLine($"hint: {described.Hint}");
            return described.Code;
        }
    }

    private static (string Message, string? Hint, int Code)? Describe(Exception e) => e switch
    {
        LibTorchNotFoundException => (e.Message, "run ./run.sh or scripts/setup.sh once to install libtorch-dev and build the native shim", BadInput),
        ConfigException => (e.Message, "`sharpdistill config` prints every key with its resolved value; YAML files and --set may only override those keys", BadInput),
        DatasetNotFoundException => (e.Message, "install dataset-fashion-mnist (apt) or put the dataset files where the message says, or set dataset.root", BadInput),
        DatasetException => (e.Message, "the file may be truncated or corrupt: fetch it again", BadInput),
        CheckpointException => (e.Message, "check the checkpoint path and that it was made for this model (models.student / models.teacher)", BadInput),
        CheckpointFormatException => (e.Message, "only files written by torch.save (zip or legacy) with plain tensors and containers can be imported", BadInput),
        SharpDistill.Distributed.DistributedFailureException => (e.Message, "the other workers' own messages say why they stopped; `--resume` continues from the last checkpoint", WorkerLost),
        SharpDistill.Training.TrainingDivergedException => (e.Message, "lower solver.lr or check the data; the last good checkpoint is kept", Diverged),
        StateDictMismatchException => (e.Message, "the weights were made for another architecture or number of classes", BadInput),
        SharpDistill.Export.OnnxExportException => (e.Message, "docs/deploy.md lists the layers the exporter supports", BadInput),
        FileNotFoundException f => ($"file not found: {f.FileName ?? f.Message}", null, BadInput),
        DirectoryNotFoundException => (e.Message, null, BadInput),
        InvalidDataException => (e.Message, null, BadInput),
        UnauthorizedAccessException or IOException => (e.Message, null, BadInput),
        NotSupportedException => (e.Message, null, BadInput),
        ArgumentException a => (PlainMessage(a), null, BadInput),
        TorchException => (e.Message, null, BadInput),
        _ => null,
    };

    /// <summary>
    /// An argument exception's message without the " (Parameter 'name')" and "Actual value was"
    /// lines .NET appends for developers: a user sees the sentence and the offending value.
    /// </summary>
    private static string PlainMessage(ArgumentException e)
    {
        var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");
        if (e is ArgumentOutOfRangeException { ActualValue: { } value })
            message = message.Replace($"{Environment.NewLine}Actual value was {value}.", $" (got {value})");
        return message;
    }
}
