using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// What a method's conformance evaluator returns for one reference case (tests/data/README.md): the loss
/// terms the file records and the gradient of the case's loss with respect to every input it names,
/// all as doubles keyed by the file's output names.
/// </summary>
public static class ConformanceValues
{
    /// <summary>The named values plus the gradients of <paramref name="loss"/> with respect to the named inputs.</summary>
    public static Dictionary<string, double[]> WithGradients(Tensor loss, Dictionary<string, Tensor> values,
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

    /// <summary>
    /// The usual case of a logit loss: <c>loss</c> from the case's <c>student</c> and <c>teacher</c> inputs
    /// (in <paramref name="dtype"/>), and <c>grad_student</c>.
    /// </summary>
    public static LossConformanceEvaluator OfLogits(Func<LossVectorCase, Tensor, Tensor, Tensor> loss) => (c, dtype) =>
    {
        using var scope = new TensorScope();
        var student = c.InputTensor("student", dtype).RequiresGrad_();
        var value = loss(c, student, c.InputTensor("teacher", dtype));
        return WithGradients(value, new() { ["loss"] = value }, ("grad_student", student));
    };

    /// <summary>A scalar input of the case as a 0-d tensor of <paramref name="dtype"/> that requires grad.</summary>
    public static Tensor ScalarInput(LossVectorCase c, string key, DType dtype)
    {
        using var exact = Tensor.FromScalar(c.InputNumber(key));
        return exact.To(dtype).RequiresGrad_();
    }

    private static double[] Doubles(Tensor t)
    {
        using var detached = t.Detach();
        using var asDouble = detached.To(DType.Float64);
        return asDouble.ToArray<double>();
    }
}
