using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models;

/// <summary>
/// How a frozen teacher is prepared for inference: batch norms folded into their convolutions,
/// the memory layout, and the precision of its weights. <see cref="Plain"/> is the model as trained.
/// </summary>
public sealed record TeacherForm(bool FoldBatchNorm, MemoryFormat MemoryFormat, Precision Precision)
{
    /// <summary>The teacher exactly as trained: fp32, contiguous, batch norms as they are.</summary>
    public static TeacherForm Plain { get; } = new(false, MemoryFormat.Contiguous, Precision.Fp32);

    /// <summary>True when the form computes the plain teacher's function up to float32 rounding (no bf16).</summary>
    public bool IsExactUpToRounding => Precision == Precision.Fp32;

    /// <summary>A short label for tables: "fp32", "fold+cl+bf16", ...</summary>
    public string Label =>
        string.Join("+", new[]
        {
            FoldBatchNorm ? "fold" : null,
            MemoryFormat == MemoryFormat.ChannelsLast ? "cl" : null,
            Precision == Precision.Bf16 ? "bf16" : null,
        }.Where(p => p is not null).DefaultIfEmpty("plain"));
}

/// <summary>
/// A distillation teacher in its inference form, built once when the teacher is loaded: frozen (no
/// gradients, eval mode for good), optionally with its batch norms folded into the preceding
/// convolutions, laid out channels-last and stored in bfloat16 (<see cref="TeacherForm"/>). It is a
/// zoo model like any other — <see cref="ZooModel.Forward"/> still yields every feature, the pooled
/// one included (DCD reads it) — and always hands back float32 outputs, so losses never see bfloat16.
/// It owns the model it wraps (registered as its child "source").
/// </summary>
public sealed class FrozenTeacher : ZooModel
{
    private readonly ZooModel source;

    private FrozenTeacher(ZooModel source, TeacherForm form, int foldedPairs)
        : base(source.Name, source.Family, new ModelOptions((int)source.NumClasses, (int)source.InChannels, source.Variant))
    {
        // Eval mode first: registering a child hands it this module's mode, and a folded model cannot train.
        Eval();
        this.source = RegisterModule("source", source);
        Form = form;
        FoldedPairs = foldedPairs;
    }

    public TeacherForm Form { get; }

    /// <summary>How many (convolution, batch norm) pairs were folded.</summary>
    public int FoldedPairs { get; }

    /// <summary>The prepared model this wraps.</summary>
    public ZooModel Source => source;

    /// <summary>
    /// Freezes <paramref name="teacher"/> and converts it in place to <paramref name="form"/>; the
    /// result owns it. Folding runs one probe forward pass (a single zero image) to see which batch
    /// norms read a convolution directly.
    /// </summary>
    public static FrozenTeacher Prepare(ZooModel teacher, TeacherForm form)
    {
        if (teacher is FrozenTeacher) throw new ArgumentException($"teacher {teacher.Name} is already in an inference form");
        teacher.SetRequiresGrad(false);
        teacher.Eval();
        var folded = 0;
        if (form.FoldBatchNorm)
        {
            var device = teacher.Parameters().First().Device;
            var size = ProbeSize(teacher);
            folded = BatchNormFolding.Fold(teacher, () =>
            {
                using var probe = Tensors.Zeros(new long[] { 1, teacher.InChannels, size, size }, DType.Float32, device);
                using var output = teacher.Forward(probe);
            });
        }
        teacher.UseMemoryFormat(form.MemoryFormat);
        if (form.Precision == Precision.Bf16) teacher.To(DType.BFloat16);
        return new FrozenTeacher(teacher, form, folded);
    }

    /// <summary>An input side the model accepts: its native size, which the global-pooling variant accepts too.</summary>
    private static int ProbeSize(ZooModel model) => model.NativeInputSize;

    public override Module Train(bool mode = true)
    {
        if (mode) throw new InvalidOperationException($"teacher {Name} is frozen in its inference form: it cannot train");
        return base.Train(false);
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        using var converted = Form.Precision == Precision.Bf16 ? input.To(DType.BFloat16) : null;
        var x = converted ?? input;
        if (features is null)
        {
            var logits = source.ForwardLogits(x);
            return Form.Precision == Precision.Fp32 ? logits : logits.Consume(l => l.To(DType.Float32));
        }
        using var output = source.Forward(x);
        for (var i = 0; i < output.Feats.Count; i++)
        {
            using var feat = Float32(output.Feats[i]);
            using var preact = Float32(output.PreactFeats[i]);
            features.AddStage(feat, preact);
        }
        using (var pooled = Float32(output.PooledFeat)) features.SetPooled(pooled);
        return Float32(output.Logits);
    }

    private static Tensor Float32(Tensor t) => t.DType == DType.Float32 ? t.Alias() : t.To(DType.Float32);
}
