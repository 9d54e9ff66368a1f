using System.CommandLine;
using System.Globalization;
using SharpDistill.Cli.Conformance;
using SharpDistill.Cli.Output;
using SharpDistill.Data.Transforms;
using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// `conformance &lt;vectors.json&gt;`: checks the losses or the augmentation ops against a
/// reference-vector file (which kind is read from the file's content) and prints the worst
/// absolute and relative error per method or op. Exit 0 when every case passes, 1 when any is
/// outside tolerance, 2 when the file cannot be read or is neither kind.
/// </summary>
public static class ConformanceCommand
{
    /// <summary>Failing cases listed one per line after the table; the rest are counted.</summary>
    private const int MaxListedFailures = 20;

    private static readonly IReadOnlyDictionary<string, DType> DTypes = new Dictionary<string, DType>
    {
        ["float64"] = DType.Float64,
        ["float32"] = DType.Float32,
    };

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var fileArgument = new Argument<string>("vectors.json") { Description = "A reference-vector file: loss values and gradients, or PIL augmentation outputs" };
        var dtypeOption = new Option<string>("--dtype")
        {
            Description = "Loss vectors: the precision the losses are computed in",
            DefaultValueFactory = _ => "float64",
        };
        dtypeOption.AcceptOnlyFromAmong(DTypes.Keys.ToArray());
        var toleranceOption = new Option<double?>("--tolerance")
        {
            Description = $"Loss vectors: the relative tolerance (default {LossConformance.Float64Tolerance:G} in float64, {LossConformance.Float32Tolerance:G} in float32)",
        };
        toleranceOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } t && !(t >= 0 && double.IsFinite(t))) result.AddError("--tolerance must be a finite number ≥ 0");
        });

        var command = new Command("conformance",
            "Check the losses (losses.json) or the augmentation ops (augment.json) against reference vectors, e.g. the repository's tests/data/vectors/losses.json; exit 1 if any case is outside tolerance");
        command.Arguments.Add(fileArgument);
        command.Options.Add(dtypeOption);
        command.Options.Add(toleranceOption);
        command.SetAction(parseResult => CliErrors.Run(parseResult, () =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var path = parseResult.GetValue(fileArgument)!;
            var kind = VectorFiles.Detect(path);
            TorchRuntime.EnsureLoaded();
            if (kind == VectorFileKind.Losses)
                return ReportLosses(output, LossConformance.Run(path, DTypes[parseResult.GetValue(dtypeOption)!], parseResult.GetValue(toleranceOption)));
            if (IsExplicit(parseResult, dtypeOption) || IsExplicit(parseResult, toleranceOption))
                parseResult.InvocationConfiguration.Error.WriteLine(
                    "note: --dtype and --tolerance apply to loss vectors; augmentation outputs are uint8 images that must match PIL's exactly");
            return ReportAugment(output, AugmentConformance.Run(path));
        }));
        return command;
    }

    private static bool IsExplicit(ParseResult parseResult, Option option) => parseResult.GetResult(option) is { Implicit: false };

    private static int ReportLosses(TextWriter output, ConformanceReport report)
    {
        output.WriteLine(string.Create(Inv,
            $"loss conformance: {report.FilePath} ({report.DType.ToString().ToLowerInvariant()}, relative tolerance {report.Tolerance:G3})"));
        var table = ErrorTable("method");
        foreach (var m in report.Methods)
            table.AddRow(m.Method, m.Cases.ToString(Inv), Figure(m.WorstAbsoluteError), Figure(m.WorstRelativeError), Verdict(m.Passed), m.WorstQuantity);
        table.Write(output);

        var failures = new List<string>();
        foreach (var c in report.Cases.Where(c => !c.Passed))
        {
            if (c.Error is not null) failures.Add($"case {c.Index} ({c.Method}): {c.Error}");
            foreach (var q in c.Quantities.Where(q => !q.Passed))
                failures.Add($"case {c.Index} ({c.Method}) {q.Name}: " + (q.Problem ?? string.Create(Inv,
                    $"abs {Figure(q.AbsoluteError)}, rel {Figure(q.RelativeError)}{(q.Exact ? " (must match exactly)" : "")}")));
        }
        return Conclude(output, failures, report.Cases.Count, report.Cases.Count(c => !c.Passed), "within tolerance");
    }

    private static int ReportAugment(TextWriter output, AugmentConformanceReport report)
    {
        output.WriteLine($"augmentation conformance: {report.Path} (uint8 outputs must equal PIL's exactly; relative error = |err| / 255)");
        var table = ErrorTable("op");
        foreach (var op in report.Ops)
        {
            var worst = report.Cases.Where(c => c.Op == op.Op).MaxBy(c => c.WorstAbsError)!;
            table.AddRow(op.Op, op.Cases.ToString(Inv), op.WorstAbsError.ToString(Inv), Figure(op.WorstAbsError / 255.0), Verdict(op.Passed),
                op.Passed ? "" : $"case {worst.Index} (magnitude {worst.Magnitude.ToString("G", Inv)}, image {worst.Image})");
        }
        table.Write(output);

        var failures = report.Cases.Where(c => !c.Passed).Select(c => string.Create(Inv,
            $"case {c.Index} ({c.Op}, magnitude {c.Magnitude:G}, image {c.Image}): {c.WrongValues} values differ, worst |err| {c.WorstAbsError}")).ToList();
        return Conclude(output, failures, report.Cases.Count, failures.Count, "exact");
    }

    private static TextTable ErrorTable(string what) => new(new TextColumn(what), new TextColumn("cases", RightAligned: true),
        new TextColumn("worst abs", RightAligned: true), new TextColumn("worst rel", RightAligned: true), new TextColumn("result"),
        new TextColumn("worst at"));

    private static int Conclude(TextWriter output, IReadOnlyList<string> failures, int cases, int failedCases, string passing)
    {
        foreach (var line in failures.Take(MaxListedFailures)) output.WriteLine(line);
        if (failures.Count > MaxListedFailures) output.WriteLine($"... and {failures.Count - MaxListedFailures} more");
        if (cases > 0 && failedCases == 0)
        {
            output.WriteLine($"PASS: all {cases} cases {passing}");
            return CliErrors.Ok;
        }
        output.WriteLine($"FAIL: {failedCases} of {cases} cases not {passing}");
        return CliErrors.CheckFailed;
    }

    private static string Figure(double value) => value.ToString("G3", Inv);

    private static string Verdict(bool passed) => passed ? "pass" : "FAIL";
}
