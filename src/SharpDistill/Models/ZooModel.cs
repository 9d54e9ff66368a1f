using SharpDistill.Models.Blocks;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models;

/// <summary>
/// Base of every zoo model. <see cref="Forward"/> returns the logits and the features
/// (<see cref="ModelOutput"/>); <see cref="ForwardLogits"/> returns only the logits and skips the
/// work that only the features need. Both compute the same logits and have the same side effects
/// (batch-norm running statistics in training mode).
/// </summary>
public abstract class ZooModel : Module<Tensor, ModelOutput>
{
    protected ZooModel(string name, ModelFamily family, ModelOptions options)
    {
        options.Validate(family);
        Name = name;
        Family = family;
        Variant = options.Variant;
        InChannels = options.InChannels;
        NumClasses = options.ResolveNumClasses(family);
    }

    /// <summary>The published config name (e.g. "resnet32x4", "ResNet50").</summary>
    public string Name { get; }

    public ModelFamily Family { get; }

    public ModelVariant Variant { get; }

    public long InChannels { get; }

    public long NumClasses { get; }

    /// <summary>
    /// The layout of the weights and of the input each forward pass is given (see <see cref="UseMemoryFormat"/>).
    /// </summary>
    public MemoryFormat MemoryFormat { get; private set; } = MemoryFormat.Contiguous;

    /// <summary>
    /// <see cref="Precision.Bf16"/>: every forward pass in training mode runs under libtorch's autocast
    /// for the input's device (CPU or CUDA) and hands back float32 outputs (the weights stay float32). Eval mode always runs in
    /// float32, so an evaluation measures the weights as they are saved and exported. Defaults to
    /// <see cref="Precision.Fp32"/>.
    /// </summary>
    public Precision AutocastPrecision { get; set; } = Precision.Fp32;

    private bool UsesAutocast => AutocastPrecision == Precision.Bf16 && Training;

    /// <summary>
    /// Lays the weights out in <paramref name="format"/> and makes every forward pass lay its input out
    /// the same way (channels-last lets oneDNN skip its reorders; the values are the same up to
    /// rounding). Returns this.
    /// </summary>
    public ZooModel UseMemoryFormat(MemoryFormat format)
    {
        ToMemoryFormat(format);
        MemoryFormat = format;
        return this;
    }

    /// <summary>Logits plus stage, pre-activation and pooled features. The caller owns (disposes) the output.</summary>
    public override ModelOutput Forward(Tensor input)
    {
        CheckInput(input);
        var features = new FeatureCollector();
        try
        {
            if (!UsesAutocast) return features.ToOutput(RunLaidOut(input, features));
            using var reduced = RunAutocast(input, features);
            using var output = features.ToOutput(reduced.Alias());
            return new ModelOutput(ToFloat32(output.Logits), output.Feats.Select(ToFloat32).ToArray(),
                output.PreactFeats.Select(ToFloat32).ToArray(), ToFloat32(output.PooledFeat));
        }
        catch
        {
            features.Dispose();
            throw;
        }
    }

    /// <summary>Logits only [N, classes]; the caller owns (disposes) the result.</summary>
    public Tensor ForwardLogits(Tensor input)
    {
        CheckInput(input);
        if (!UsesAutocast) return RunLaidOut(input, null);
        using var reduced = RunAutocast(input, null);
        return ToFloat32(reduced);
    }

    private Tensor RunAutocast(Tensor input, FeatureCollector? features)
    {
        using var autocast = Autocast.For(input.Device);
        return RunLaidOut(input, features);
    }

    private Tensor RunLaidOut(Tensor input, FeatureCollector? features)
    {
        if (MemoryFormat == MemoryFormat.Contiguous || input.IsContiguousIn(MemoryFormat)) return Run(input, features);
        using var laidOut = input.ToMemoryFormat(MemoryFormat);
        return Run(laidOut, features);
    }

    /// <summary>A float32 handle of <paramref name="t"/> (a converted copy, or an alias when it already is), outside autocast.</summary>
    private static Tensor ToFloat32(Tensor t) => t.DType == DType.Float32 ? t.Alias() : t.To(DType.Float32);

    /// <summary>
    /// The forward pass. Returns the logits; when <paramref name="features"/> is not null, also records
    /// the features in it. Every other tensor created here must be disposed before returning.
    /// </summary>
    protected abstract Tensor Run(Tensor input, FeatureCollector? features);

    private void CheckInput(Tensor input)
    {
        var shape = input.Shape;
        if (shape.Length != 4 || shape[1] != InChannels)
            throw new ArgumentException(
                $"{Name} expects an input of shape [N, {InChannels}, H, W], got [{string.Join(", ", shape)}]", nameof(input));
    }

    /// <summary>Runs a stage on <paramref name="h"/> (which it disposes) and records the stage output and its pre-activation.</summary>
    protected static Tensor RunStage(Tensor h, PreactModule stage, FeatureCollector? features)
    {
        Tensor output;
        Tensor? preact;
        try { output = stage.Forward(h, features is not null, out preact); }
        finally { h.Dispose(); }
        if (features is not null)
        {
            using (preact) features.AddStage(output, preact!);
        }
        return output;
    }

    /// <summary>
    /// The classifier head: average-pools the final map <paramref name="map"/> (disposed here) to a
    /// vector, records it as the pooled feature and applies <paramref name="classifier"/>.
    /// <paramref name="referenceKernel"/> is the reference's fixed pooling kernel for the standard
    /// variant (null where the reference pools globally); it must cover the whole final map.
    /// </summary>
    protected Tensor Classify(Tensor map, long? referenceKernel, Module<Tensor, Tensor> classifier, FeatureCollector? features)
    {
        using var pooled = map.Consume(m => Pool(m, referenceKernel), m => m.Flatten(1));
        features?.SetPooled(pooled);
        return classifier.Forward(pooled);
    }

    private Tensor Pool(Tensor map, long? referenceKernel)
    {
        if (Variant == ModelVariant.TinyImageNet || referenceKernel is null) return F.AdaptiveAvgPool2d(map, 1);
        var k = referenceKernel.Value;
        var shape = map.Shape;
        // The reference's AvgPool(k) silently pools only part of a larger map (or fails on a smaller
        // one); here a size other than the one the definition was made for is an error.
        if (shape[2] != k || shape[3] != k)
            throw new ArgumentException(
                $"{Name} ({Variant} variant) pools a final {k}x{k} feature map (input {NativeInputSize}x{NativeInputSize}), " +
                $"but this input gives {shape[2]}x{shape[3]}; use the {ModelVariant.TinyImageNet} variant for other input sizes");
        return F.AvgPool2d(map, k);
    }

    /// <summary>The input size the standard variant is defined for (32 for CIFAR, 224 for ImageNet).</summary>
    public int NativeInputSize => Family == ModelFamily.ImageNet ? 224 : 32;
}
