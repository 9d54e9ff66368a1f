using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace SharpDistill.Training.Logging;

/// <summary>Running figures of the current epoch, shown by <see cref="EpochProgress"/>.</summary>
public readonly record struct StepStatus(int Step, int Steps, long Images, double RunningLoss, double RunningTop1);

/// <summary>
/// A per-epoch progress bar (Spectre.Console) with steps/s, images/s, running loss and accuracy
/// and the ETA. When the output is not an interactive terminal it draws nothing, so logs and CI
/// output stay clean (the trainer prints one summary line per epoch instead).
/// </summary>
public sealed class EpochProgress
{
    private readonly bool enabled;

    public EpochProgress(bool requested) =>
        enabled = requested && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public bool Enabled => enabled;

    /// <summary>Runs <paramref name="body"/>, which reports each finished step through the callback it is given.</summary>
    public void Run(string title, int steps, Action<Action<StepStatus>> body)
    {
        if (!enabled)
        {
            body(_ => { });
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: Math.Max(1, steps));
                var clock = Stopwatch.StartNew();
                body(status =>
                {
                    var seconds = Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"{title} {status.Step}/{status.Steps} | {status.Step / seconds:0.0} it/s {status.Images / seconds:0} img/s | loss {status.RunningLoss:0.0000} | top-1 {status.RunningTop1:0.00}"));
                    task.Value = status.Step;
                });
                task.Value = task.MaxValue;
            });
    }
}
