using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Distillers;

/// <summary>Where training is, for methods whose loss depends on it (DKD's warm-up).</summary>
/// <param name="Epoch">1-based epoch, as in the published trainers.</param>
public readonly record struct TrainingProgress(int Epoch, int TotalEpochs);

/// <summary>
/// What one training forward produced: the student logits used for train accuracy (the weak view
/// for multi-view methods) and the named, already weighted loss terms whose sum is optimised.
/// The tensors belong to the current <see cref="TensorScope"/>.
/// </summary>
public sealed record DistillerStep(Tensor StudentLogits, IReadOnlyList<KeyValuePair<string, Tensor>> Losses);

/// <summary>
/// A distillation method: the student, a frozen teacher (eval mode, no grad, inference mode) and
/// any extra trainable modules (DCD's projection heads). One subclass per method, one file each.
/// </summary>
public abstract class Distiller : IDisposable
{
    private readonly List<KeyValuePair<string, Module>> extras = new();

    protected Distiller(ZooModel student, ZooModel? teacher)
    {
        Student = student;
        Teacher = teacher;
        if (teacher != null)
        {
            // Frozen for good: no gradients ever reach it and it never leaves eval mode.
            teacher.SetRequiresGrad(false);
            teacher.Eval();
        }
    }

    /// <summary>The registered method name (e.g. "crld").</summary>
    public abstract string Method { get; }

    public ZooModel Student { get; }

    public ZooModel? Teacher { get; }

    /// <summary>How many augmented views of each image a training step needs (CRLD: weak and strong).</summary>
    public virtual int ViewCount => 1;

    /// <summary>True when a training step reads the teacher's features, not only its logits (DCD's pooled feature).</summary>
    public virtual bool ReadsTeacherFeatures => false;

    /// <summary>Trainable modules besides the student, by name (checkpointed and optimised with it).</summary>
    public IReadOnlyList<KeyValuePair<string, Module>> ExtraModules => extras;

    protected T AddExtraModule<T>(string name, T module) where T : Module
    {
        extras.Add(new(name, module));
        return module;
    }

    /// <summary>Every parameter the optimizer updates: the student's and the extra modules'.</summary>
    public virtual IEnumerable<Tensor> TrainableParameters() =>
        Student.Parameters().Concat(extras.SelectMany(e => e.Value.Parameters()));

    /// <summary>The training forward of one batch: <paramref name="views"/> holds <see cref="ViewCount"/> tensors.</summary>
    public abstract DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress);

    /// <summary>Student and extra modules in training mode; the teacher stays in eval mode.</summary>
    public void TrainMode()
    {
        Student.Train();
        foreach (var (_, module) in extras) module.Train();
        Teacher?.Eval();
    }

    public void EvalMode()
    {
        Student.Eval();
        foreach (var (_, module) in extras) module.Eval();
        Teacher?.Eval();
    }

    /// <summary>
    /// Where the teacher's logits are remembered across runs that show it the same batches (a study
    /// sets one per teacher); null computes them every time.
    /// </summary>
    public TeacherOutputCache? TeacherCache { get; set; }

    /// <summary>The teacher's logits for one input, computed in eval mode under inference mode (no autograd at all).</summary>
    protected Tensor TeacherLogits(Tensor input)
    {
        var teacher = RequireTeacher();
        using var _ = Autograd.InferenceMode();
        if (TeacherCache is not { } cache) return teacher.ForwardLogits(input);
        var (logits, pooled) = cache.GetOrCompute(input, teacher.Forward);
        pooled.Dispose();
        return logits;
    }

    /// <summary>The teacher's logits and pooled feature for one input, under inference mode.</summary>
    protected (Tensor Logits, Tensor Pooled) TeacherLogitsAndPooled(Tensor input)
    {
        var teacher = RequireTeacher();
        using var _ = Autograd.InferenceMode();
        if (TeacherCache is { } cache) return cache.GetOrCompute(input, teacher.Forward);
        using var output = teacher.Forward(input);
        return (output.Logits.Alias(), output.PooledFeat.Alias());
    }

    /// <summary>
    /// The logits of CRLD-style two-view training, in the official order: two separate student
    /// forwards (weak first, then strong, so batch-norm statistics update twice per step), then the
    /// teacher on each view in two separate calls (eval mode, inference mode).
    /// </summary>
    protected (Tensor StudentWeak, Tensor StudentStrong, Tensor TeacherWeak, Tensor TeacherStrong) TwoViewLogits(IReadOnlyList<Tensor> views)
    {
        CheckViews(views, 2, Method);
        var studentWeak = Student.ForwardLogits(views[0]);
        var studentStrong = Student.ForwardLogits(views[1]);
        return (studentWeak, studentStrong, TeacherLogits(views[0]), TeacherLogits(views[1]));
    }

    protected ZooModel RequireTeacher() =>
        Teacher ?? throw new InvalidOperationException($"the {Method} method needs a teacher model (set models.teacher and models.teacher_checkpoint)");

    protected static void CheckViews(IReadOnlyList<Tensor> views, int expected, string method)
    {
        if (views.Count != expected)
            throw new ArgumentException($"{method} needs {expected} view(s) of each image per step, got {views.Count}");
    }

    public void Dispose()
    {
        Student.Dispose();
        Teacher?.Dispose();
        foreach (var (_, module) in extras) module.Dispose();
        GC.SuppressFinalize(this);
    }
}
