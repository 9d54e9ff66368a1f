using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// Evaluates one reference case with this library's loss functions: the loss terms the file
/// records, and the gradient of the case's <c>loss</c> with respect to every input it names
/// (crld.md §8.2). Every value comes back as doubles keyed by the file's output names.
/// </summary>
internal static class LossConformanceEvaluators
{
    public delegate Dictionary<string, double[]> Evaluator(LossVectorCase c, DType dtype);

    public static readonly IReadOnlyDictionary<string, Evaluator> ByMethod = new Dictionary<string, Evaluator>
    {
        ["kd"] = Kd,
        ["dkd"] = Dkd,
        ["crld"] = Crld,
        ["dist"] = Dist,
        ["dcd"] = Dcd,
    };

    private static Dictionary<string, double[]> Kd(LossVectorCase c, DType dtype)
    {
        using var scope = new TensorScope();
        var student = c.InputTensor("student", dtype).RequiresGrad_();
        var teacher = c.InputTensor("teacher", dtype);
        var loss = KdLoss.Compute(student, teacher, c.Param("temperature"));
        return WithGradients(loss, new() { ["loss"] = loss }, ("grad_student", student));
    }

    private static Dictionary<string, double[]> Dkd(LossVectorCase c, DType dtype)
    {
        using var scope = new TensorScope();
        var student = c.InputTensor("student", dtype).RequiresGrad_();
        var teacher = c.InputTensor("teacher", dtype);
        var target = c.InputLabels("target");
        var terms = DkdLoss.Compute(student, teacher, target, c.Param("alpha"), c.Param("beta"), c.Param("temperature"));
        return WithGradients(terms.Total, new() { ["loss"] = terms.Total }, ("grad_student", student));
    }

    private static Dictionary<string, double[]> Crld(LossVectorCase c, DType dtype)
    {
        using var scope = new TensorScope();
        var studentWeak = c.InputTensor("student_weak", dtype).RequiresGrad_();
        var studentStrong = c.InputTensor("student_strong", dtype).RequiresGrad_();
        var teacherWeak = c.InputTensor("teacher_weak", dtype);
        var teacherStrong = c.InputTensor("teacher_strong", dtype);
        var target = c.InputLabels("target");
        var settings = new CrldLossSettings(c.Param("ce_weight"), c.Param("wv_weight"), c.Param("cv_weight"), c.Param("temperature"),
            c.Param("tau_w"), c.Param("tau_s"));
        var terms = CrldLoss.Compute(studentWeak, studentStrong, teacherWeak, teacherStrong, target, settings);
        var values = new Dictionary<string, Tensor>
        {
            ["loss_ce"] = terms.Ce,
            ["loss_kd_wv"] = terms.KdWithinView,
            ["loss_kd_cv"] = terms.KdCrossView,
            ["loss"] = terms.Total,
            ["mask_w"] = terms.MaskWeak,
            ["mask_s"] = terms.MaskStrong,
        };
        return WithGradients(terms.Total, values, ("grad_student_weak", studentWeak), ("grad_student_strong", studentStrong));
    }

    private static Dictionary<string, double[]> Dist(LossVectorCase c, DType dtype)
    {
        using var scope = new TensorScope();
        var student = c.InputTensor("student", dtype).RequiresGrad_();
        var teacher = c.InputTensor("teacher", dtype);
        var terms = DistLoss.Compute(student, teacher, c.Param("beta"), c.Param("gamma"), c.Param("tau"));
        return WithGradients(terms.Total, new() { ["loss"] = terms.Total }, ("grad_student", student));
    }

    private static Dictionary<string, double[]> Dcd(LossVectorCase c, DType dtype)
    {
        using var scope = new TensorScope();
        var featStudent = c.InputTensor("feat_student", dtype).RequiresGrad_();
        var featTeacher = c.InputTensor("feat_teacher", dtype).RequiresGrad_();
        var embedSWeight = c.InputTensor("embed_s_weight", dtype).RequiresGrad_();
        var embedSBias = c.InputTensor("embed_s_bias", dtype).RequiresGrad_();
        var embedTWeight = c.InputTensor("embed_t_weight", dtype).RequiresGrad_();
        var embedTBias = c.InputTensor("embed_t_bias", dtype).RequiresGrad_();
        var theta = ScalarInput(c, "theta", dtype);
        var bias = ScalarInput(c, "b", dtype);
        // The projection heads are plain Linear layers, y = x·Wᵀ + b (dcd.md §1.2).
        var projectedStudent = F.Linear(featStudent, embedSWeight, embedSBias);
        var projectedTeacher = F.Linear(featTeacher, embedTWeight, embedTBias);
        var terms = DcdLoss.Compute(projectedStudent, projectedTeacher, theta, bias, c.Param("alpha"), c.Param("max_tau"));
        var values = new Dictionary<string, Tensor>
        {
            ["loss"] = terms.Total,
            ["contrastive"] = terms.Contrastive,
            ["invariance"] = terms.Consistency,
        };
        return WithGradients(terms.Total, values,
            ("grad_feat_student", featStudent), ("grad_feat_teacher", featTeacher),
            ("grad_embed_s_weight", embedSWeight), ("grad_embed_s_bias", embedSBias),
            ("grad_embed_t_weight", embedTWeight), ("grad_embed_t_bias", embedTBias),
            ("grad_theta", theta), ("grad_b", bias));
    }

    private static Tensor ScalarInput(LossVectorCase c, string key, DType dtype)
    {
        using var exact = Tensor.FromScalar(c.InputNumber(key));
        return exact.To(dtype).RequiresGrad_();
    }

    /// <summary>The named values plus the gradients of <paramref name="loss"/> with respect to the named inputs.</summary>
    private static Dictionary<string, double[]> WithGradients(Tensor loss, Dictionary<string, Tensor> values,
        params (string Name, Tensor Input)[] gradients)
    {
        var result = values.ToDictionary(kv => kv.Key, kv => Doubles(kv.Value));
        var grads = Autograd.Grad(new[] { loss }, gradients.Select(g => g.Input).ToArray());
        for (var i = 0; i < gradients.Length; i++)
        {
            // An input the loss does not depend on has no gradient: that is a zero gradient.
            using var grad = grads[i] ?? Tensors.ZerosLike(gradients[i].Input);
            result[gradients[i].Name] = Doubles(grad);
        }
        return result;
    }

    private static double[] Doubles(Tensor t)
    {
        using var detached = t.Detach();
        using var asDouble = detached.To(DType.Float64);
        return asDouble.ToArray<double>();
    }
}
