using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>DCD's settings (distiller.dcd.*; docs/methods/dcd.md): loss = γ·CE + α_kd·KD + β·(L_contrast + α_c·L_consist).</summary>
public sealed class DcdSettings
{
    public double Gamma { get; set; } = 1.0;
    /// <summary>α_kd: 0 is "DCD", 1 is "DCD+KD".</summary>
    public double KdWeight { get; set; } = 0.0;
    public double Beta { get; set; } = 1.0;
    /// <summary>α_c (a constructor default of the official DCDLoss, never changed by the repo's scripts).</summary>
    public double ConsistencyWeight { get; set; } = 0.5;
    /// <summary>The cap on exp(θ), the learnable logit scale: the temperature never goes below 1/max_tau.</summary>
    public double MaxTau { get; set; } = 10.0;
    /// <summary>Width of the projection heads' output.</summary>
    public int FeatDim { get; set; } = 128;
    public double KdTemperature { get; set; } = 4.0;
}

public sealed class DcdMethod : IMethodDescriptor
{
    public string Name => "dcd";
    public string Help => "DCD: contrastive and consistency losses between projected student and teacher features (trains two heads)";
    public object CreateSettings() => new DcdSettings();

    public Distiller Create(object settings, DistillerParts parts) =>
        new DcdDistiller(parts, (DcdSettings)settings, parts.FeatureWidth(parts.Student), parts.FeatureWidth(parts.Teacher!));

    public LossConformanceEvaluator Conformance => (c, dtype) =>
    {
        using var scope = new TensorScope();
        var featStudent = c.InputTensor("feat_student", dtype).RequiresGrad_();
        var featTeacher = c.InputTensor("feat_teacher", dtype).RequiresGrad_();
        var embedSWeight = c.InputTensor("embed_s_weight", dtype).RequiresGrad_();
        var embedSBias = c.InputTensor("embed_s_bias", dtype).RequiresGrad_();
        var embedTWeight = c.InputTensor("embed_t_weight", dtype).RequiresGrad_();
        var embedTBias = c.InputTensor("embed_t_bias", dtype).RequiresGrad_();
        var theta = ConformanceValues.ScalarInput(c, "theta", dtype);
        var bias = ConformanceValues.ScalarInput(c, "b", dtype);
        // The projection heads are plain Linear layers, y = x·Wᵀ + b (docs/methods/dcd.md).
        var projectedStudent = F.Linear(featStudent, embedSWeight, embedSBias);
        var projectedTeacher = F.Linear(featTeacher, embedTWeight, embedTBias);
        var terms = DcdLoss.Compute(projectedStudent, projectedTeacher, theta, bias, c.Param("alpha"), c.Param("max_tau"));
        var values = new Dictionary<string, Tensor>
        {
            ["loss"] = terms.Total,
            ["contrastive"] = terms.Contrastive,
            ["invariance"] = terms.Consistency,
        };
        return ConformanceValues.WithGradients(terms.Total, values,
            ("grad_feat_student", featStudent), ("grad_feat_teacher", featTeacher),
            ("grad_embed_s_weight", embedSWeight), ("grad_embed_s_bias", embedSBias),
            ("grad_embed_t_weight", embedTWeight), ("grad_embed_t_bias", embedTBias),
            ("grad_theta", theta), ("grad_b", bias));
    };
}

/// <summary>
/// DCD (docs/methods/dcd.md): γ·CE + α_kd·KD + β·(L_contrast + α_c·L_consist) between the projected,
/// normalised pooled features of student and teacher. With kd_weight 0 it is "DCD", with 1 "DCD+KD".
/// The KD term is always computed, as in the reference, so its value is logged even at weight 0.
/// </summary>
public sealed class DcdDistiller : Distiller
{
    private readonly DcdSettings settings;

    public DcdDistiller(DistillerParts parts, DcdSettings settings, long studentFeatureDim, long teacherFeatureDim)
        : base(parts.Student, parts.Teacher)
    {
        if (settings.FeatDim < 1) throw new ArgumentException($"distiller.dcd.feat_dim must be positive, got {settings.FeatDim}");
        this.settings = settings;
        Heads = AddExtraModule("dcd", new DcdHeads(studentFeatureDim, teacherFeatureDim, settings.FeatDim));
    }

    public override string Method => "dcd";

    public override bool ReadsTeacherFeatures => true;

    public DcdHeads Heads { get; }

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        using var student = Student.Forward(views[0]);
        var (teacherLogits, teacherPooled) = TeacherLogitsAndPooled(views[0]);
        var logits = student.Logits.Alias();
        var projectedStudent = Heads.EmbedStudent.Forward(student.PooledFeat);
        // The teacher's features are inference tensors, which autograd may not save for the head's
        // weight gradient; a clone made outside inference mode is an ordinary (constant) tensor.
        var teacherFeature = teacherPooled.Clone();
        var projectedTeacher = Heads.EmbedTeacher.Forward(teacherFeature);
        using var dcd = DcdLoss.Compute(projectedStudent, projectedTeacher, Heads.Theta, Heads.Bias, settings.ConsistencyWeight, settings.MaxTau);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * settings.Gamma),
            new KeyValuePair<string, Tensor>("loss_kd", KdLoss.Compute(logits, teacherLogits, settings.KdTemperature) * settings.KdWeight),
            new KeyValuePair<string, Tensor>("loss_dcd", dcd.Total * settings.Beta),
        });
    }
}
