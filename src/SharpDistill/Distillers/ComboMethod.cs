using System.Globalization;

namespace SharpDistill.Distillers;

/// <summary>One term of a combination: a method (its settings from its own section) and the weight of its distillation part.</summary>
public sealed class ComboTerm
{
    public string Method { get; set; } = "";
    public double Weight { get; set; } = 1.0;
}

/// <summary>
/// The combination's settings (distiller.combo.*): its terms in order. The default, CMKD + KD, is the
/// CMKD paper's "on top of another KD method".
/// </summary>
public sealed class ComboSettings : IReadsOtherMethodSettings
{
    private Func<string, object>? settingsOf;

    public List<ComboTerm> Terms { get; set; } = new()
    {
        new ComboTerm { Method = "cmkd", Weight = 1.0 },
        new ComboTerm { Method = "kd", Weight = 1.0 },
    };

    void IReadsOtherMethodSettings.ReadOtherMethodsFrom(Func<string, object> lookup) => settingsOf = lookup;

    /// <summary>The settings of a term's method: its section of the config the combination belongs to, or its defaults when it belongs to none.</summary>
    internal object SettingsOf(IMethodDescriptor method) => settingsOf?.Invoke(method.Name) ?? method.CreateSettings();
}

/// <summary>Settings that read the sections of other methods (given by the <see cref="Config.DistillerConfig"/> that owns them).</summary>
public interface IReadsOtherMethodSettings
{
    void ReadOtherMethodsFrom(Func<string, object> settingsOf);
}

/// <summary>
/// A weighted sum of other methods (docs/methods/combo.md): the first term's cross-entropy, counted once,
/// plus each term's distillation losses times its weight. Each term keeps its own settings section.
/// </summary>
public sealed class ComboMethod : IMethodDescriptor
{
    public string Name => "combo";
    public string Help => "a weighted sum of other methods (distiller.combo.terms), cross-entropy counted once";
    public bool IsCombination => true;
    public object CreateSettings() => new ComboSettings();

    public void Validate(object settings) => Terms((ComboSettings)settings);

    public Distiller Create(object settings, DistillerParts parts)
    {
        var combo = (ComboSettings)settings;
        var terms = Terms(combo).Select(t => (t.Method.Create(combo.SettingsOf(t.Method), parts), t.Weight)).ToList();
        return new ComboDistiller(parts, terms);
    }

    /// <summary>
    /// Under cross-view consistency: the weighted sum of the terms' pair losses (each term must compose;
    /// CE is the cross-view wrapper's own).
    /// </summary>
    public CrossViewPairLoss? CrossViewPair(object settings)
    {
        var combo = (ComboSettings)settings;
        var terms = Terms(combo);
        var pairs = new List<(LogitTerm Loss, double Weight)>();
        foreach (var (method, weight, index) in terms)
        {
            var pair = method.CrossViewPair(combo.SettingsOf(method)) ?? throw new ArgumentException(
                $"distiller.combo.terms[{index}]: {method.Name} does not compose with distiller.cross_view; every term must be one of " +
                string.Join(", ", MethodRegistry.All.Where(m => !m.IsCombination && m.CrossViewPair(m.CreateSettings()) != null).Select(m => m.Name)));
            pairs.Add((pair.Loss, weight));
        }
        return new CrossViewPairLoss((student, teacher, labels, progress) =>
        {
            var sum = pairs[0].Loss(student, teacher, labels, progress) * pairs[0].Weight;
            for (var i = 1; i < pairs.Count; i++) sum = sum + pairs[i].Loss(student, teacher, labels, progress) * pairs[i].Weight;
            return sum;
        });
    }

    /// <summary>The terms, checked: known methods that distil, no combination inside, each once, finite non-negative weights.</summary>
    private static List<(IMethodDescriptor Method, double Weight, int Index)> Terms(ComboSettings settings)
    {
        if (settings.Terms is null || settings.Terms.Count == 0)
            throw new ArgumentException("distiller.combo.terms is empty; list at least one term, e.g. [{method: cmkd, weight: 1.0}, {method: kd, weight: 0.5}]");
        var terms = new List<(IMethodDescriptor, double, int)>();
        for (var i = 0; i < settings.Terms.Count; i++)
        {
            var term = settings.Terms[i];
            var key = $"distiller.combo.terms[{i}]";
            if (string.IsNullOrWhiteSpace(term.Method)) throw new ArgumentException($"{key}.method is missing; name a method, e.g. {{method: kd, weight: 0.5}}");
            var method = MethodRegistry.All.FirstOrDefault(m => string.Equals(m.Name, term.Method, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"{key}.method: unknown method '{term.Method}'; a term is one of {string.Join(", ", Combinable())}");
            if (method.IsCombination) throw new ArgumentException($"{key}.method: a combination cannot contain a combination ('{term.Method}'); list its terms directly");
            if (!method.NeedsTeacher) throw new ArgumentException($"{key}.method: {method.Name} has no distillation part (the combination's cross-entropy is its first term's); a term is one of {string.Join(", ", Combinable())}");
            if (!double.IsFinite(term.Weight) || term.Weight < 0)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{key}.weight must be a finite number of at least 0, got {term.Weight}"));
            if (terms.Any(t => t.Item1 == method)) throw new ArgumentException($"{key}.method: {method.Name} is listed twice; give it once with the sum of the weights");
            terms.Add((method, term.Weight, i));
        }
        return terms;
    }

    private static IEnumerable<string> Combinable() => MethodRegistry.Distillation.Where(m => !m.IsCombination).Select(m => m.Name);
}
