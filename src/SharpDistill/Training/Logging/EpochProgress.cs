using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace SharpDistill.Training.Logging;

/// <summary>Running figures of the current epoch, shown by <see cref="EpochProgress"/>.</summary>
public readonly record struct StepStatus(int Step, int Steps, long Images, double RunningLoss, double RunningTop1);

/// <summary>
/// A per-epoch progress bar (Spectre.Console) with steps/s, images/s, running loss and accuracy
/// and the ETA, drawn on the writer it is given (never on the process console behind the caller's
/// back). It draws only when that writer is an interactive terminal, so logs, tests and CI output
/// stay clean (the trainer prints one summary line per epoch instead).
/// </summary>
public sealed class EpochProgress
{
    private readonly IAnsiConsole? console;

    /// <param name="requested">log.progress.</param>
    /// <param name="output">Where to draw; null (or a writer that is not the terminal) draws nothing.</param>
    public EpochProgress(bool requested, TextWriter? output)
    {
        var interactive = output != null && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
            && AnsiConsole.Profile.Capabilities.Interactive;
        if (requested && interactive)
            console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output!) });
    }

    public bool Enabled => console != null;

    /// <summary>Runs <paramref name="body"/>, which reports each finished step through the callback it is given.</summary>
    public void Run(string title, int steps, Action<Action<StepStatus>> body)
    {
        if (console == null)
        {
            body(_ => { });
            return;
        }
        console.Progress()
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
