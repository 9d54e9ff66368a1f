using System.Diagnostics;
using SharpDistill.Distillers;
using SharpDistill.Torch;
using SharpDistill.Torch.Optim;

namespace SharpDistill.Benchmarks;

/// <summary>
/// The timed part of full distillation steps.
/// </summary>
/// <param name="ImagesPerSecond">Training images per second of whole steps (each image counted once, whatever its number of views).</param>
/// <param name="Step">A whole step: the three phases together.</param>
/// <param name="TeacherForward">The teacher's forward over every view (eval mode, inference mode); zero for teacher-free methods.</param>
/// <param name="StudentForwardBackward">The distiller's training forward (student forwards and loss), the loss read back, and the backward pass.</param>
/// <param name="OptimizerStep">The SGD update and clearing the gradients.</param>
/// <param name="TeacherMode">How the teacher processed the views.</param>
/// <param name="FinalLosses">The named loss terms of the last step (a sanity check: finite numbers).</param>
public sealed record TrainingResult(
    double ImagesPerSecond,
    TimingStats Step,
    TimingStats TeacherForward,
    TimingStats StudentForwardBackward,
    TimingStats OptimizerStep,
    TeacherForwardMode TeacherMode,
    int Views,
    IReadOnlyDictionary<string, double> FinalLosses)
{
    /// <summary>Every timed step's phases in ms (not written to JSON): lets several runs of one mode be pooled.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public PhaseSamples? Samples { get; init; }
}

/// <summary>The raw per-step timings (ms) behind a <see cref="TrainingResult"/>.</summary>
public sealed record PhaseSamples(IReadOnlyList<double> Teacher, IReadOnlyList<double> Student, IReadOnlyList<double> Optimizer, IReadOnlyList<double> Step)
{
    /// <summary>The samples of both, one after the other.</summary>
    public PhaseSamples Concat(PhaseSamples other) => new(
        Teacher.Concat(other.Teacher).ToArray(), Student.Concat(other.Student).ToArray(),
        Optimizer.Concat(other.Optimizer).ToArray(), Step.Concat(other.Step).ToArray());
}

/// <summary>
/// Runs warm-up and timed distillation steps on fixed in-memory inputs, timing the three phases
/// of each step separately: teacher forward, student forward + backward, optimizer step.
/// </summary>
/// <remarks>
/// The teacher runs in its own phase (<see cref="Benchmarks.TeacherForward"/>) and the distiller
/// reads its outputs through a <see cref="ReplayTeacher"/>, so the distiller's own training forward,
/// unchanged, makes up the student phase. Every step runs in one <see cref="TensorScope"/>: only
/// numbers leave it.
/// </remarks>
public static class TrainingStepBenchmark
{
    /// <param name="distiller">A distiller built over <paramref name="replay"/> (null for teacher-free methods).</param>
    public static TrainingResult Run(Distiller distiller, ReplayTeacher? replay, Optimizer optimizer,
        IReadOnlyList<Tensor> views, Tensor labels, TeacherForwardMode teacherMode, int warmupSteps, int steps)
    {
        if (views.Count != distiller.ViewCount)
            throw new ArgumentException($"{distiller.Method} needs {distiller.ViewCount} view(s) per step, got {views.Count}");
        if (!ReferenceEquals(distiller.Teacher, replay))
            throw new ArgumentException("the distiller must be built over the replay teacher the benchmark loads");
        var withFeatures = distiller.ReadsTeacherFeatures;
        var progress = new TrainingProgress(1, 1);
        var batch = labels.Size(0);
        var lastParameter = optimizer.Parameters.Last();
        distiller.TrainMode();

        List<double> teacherMs = new(), studentMs = new(), optimizerMs = new(), stepMs = new();
        var finalLosses = new Dictionary<string, double>();
        for (var i = 0; i < warmupSteps + steps; i++)
        {
            using var scope = new TensorScope();
            var t0 = Stopwatch.GetTimestamp();
            if (replay != null)
            {
                var outputs = TeacherForward.Run(replay.Source, views, teacherMode, withFeatures);
                DeviceSync.Wait(outputs[^1].Logits);
                replay.Load(views, outputs);
            }
            var t1 = Stopwatch.GetTimestamp();

            var result = distiller.TrainStep(views, labels, progress);
            var total = result.Losses.Select(l => l.Value).Aggregate((a, b) => a + b);
            total.Backward();
            var losses = result.Losses.ToDictionary(l => l.Key, l => l.Value.ToDouble()); // reads back, as a trainer logs them
            var t2 = Stopwatch.GetTimestamp();

            optimizer.Step();
            optimizer.ZeroGrad();
            DeviceSync.Wait(lastParameter);
            var t3 = Stopwatch.GetTimestamp();
            replay?.Clear();

            if (losses.Values.Any(v => !double.IsFinite(v)))
                throw new InvalidOperationException(
                    $"step {i + 1}: a loss is not finite ({string.Join(", ", losses.Select(l => $"{l.Key} = {l.Value}"))})");
            finalLosses = losses;
            if (i < warmupSteps) continue;
            teacherMs.Add(Ms(t0, t1));
            studentMs.Add(Ms(t1, t2));
            optimizerMs.Add(Ms(t2, t3));
            stepMs.Add(Ms(t0, t3));
        }
        var stepStats = TimingStats.Of(stepMs);
        return new TrainingResult(batch * 1000.0 / stepStats.MeanMs, stepStats, TimingStats.Of(teacherMs), TimingStats.Of(studentMs),
            TimingStats.Of(optimizerMs), teacherMode, views.Count, finalLosses)
        {
            Samples = new PhaseSamples(teacherMs, studentMs, optimizerMs, stepMs),
        };
    }

    // Raw ticks, not TimeSpan (whose 100 ns resolution would make the phases not add up to the step).
    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
