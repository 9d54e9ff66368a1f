using SharpDistill.Config;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Benchmarks;

/// <summary>One combination of the compute settings, as <c>bench --compare-modes</c> runs it.</summary>
public sealed record ComputeMode(string Name, Precision StudentPrecision, Precision TeacherPrecision, MemoryFormat MemoryFormat, bool FoldTeacher)
{
    /// <summary>The config section that selects this mode in a training run.</summary>
    public ComputeConfig ToConfig() => new()
    {
        StudentPrecision = StudentPrecision, TeacherPrecision = TeacherPrecision, MemoryFormat = MemoryFormat, FoldTeacher = FoldTeacher,
    };

    /// <summary>True when the mode computes the plain fp32 function only up to float32 rounding.</summary>
    public bool IsPlain => StudentPrecision == Precision.Fp32 && TeacherPrecision == Precision.Fp32 &&
                           MemoryFormat == MemoryFormat.Contiguous && !FoldTeacher;

    public bool UsesBf16 => StudentPrecision == Precision.Bf16 || TeacherPrecision == Precision.Bf16;

    /// <summary>The mode of a compute config (named by its settings).</summary>
    public static ComputeMode Of(ComputeConfig c) =>
        All.FirstOrDefault(m => m.StudentPrecision == c.StudentPrecision && m.TeacherPrecision == c.TeacherPrecision &&
                                m.MemoryFormat == c.MemoryFormat && m.FoldTeacher == c.FoldTeacher)
        ?? new ComputeMode(Label(c), c.StudentPrecision, c.TeacherPrecision, c.MemoryFormat, c.FoldTeacher);

    private static string Label(ComputeConfig c) =>
        string.Join(" ", new[]
        {
            c.FoldTeacher ? "fold" : "nofold",
            c.MemoryFormat == MemoryFormat.ChannelsLast ? "cl" : "contiguous",
            $"teacher-{ConfigNames.ToKey(c.TeacherPrecision.ToString())}",
            $"student-{ConfigNames.ToKey(c.StudentPrecision.ToString())}",
        });

    /// <summary>The modes compared side by side, the plain fp32 reference first.</summary>
    public static IReadOnlyList<ComputeMode> All { get; } =
    [
        new("fp32", Precision.Fp32, Precision.Fp32, MemoryFormat.Contiguous, false),
        new("fp32+cl", Precision.Fp32, Precision.Fp32, MemoryFormat.ChannelsLast, false),
        new("fp32+fold", Precision.Fp32, Precision.Fp32, MemoryFormat.Contiguous, true),
        new("fp32+fold+cl", Precision.Fp32, Precision.Fp32, MemoryFormat.ChannelsLast, true),
        new("bf16-teacher+fold+cl", Precision.Fp32, Precision.Bf16, MemoryFormat.ChannelsLast, true),
        new("bf16+fold+cl", Precision.Bf16, Precision.Bf16, MemoryFormat.ChannelsLast, true),
    ];

    /// <summary>The modes named in <paramref name="names"/>, in the order of <see cref="All"/>; an unknown name is an error listing the valid ones.</summary>
    public static IReadOnlyList<ComputeMode> Select(IReadOnlyList<string> names)
    {
        foreach (var name in names)
            if (All.All(m => m.Name != name))
                throw new ArgumentException($"unknown mode '{name}' in --modes; valid modes: {string.Join(", ", All.Select(m => m.Name))}");
        if (names.Count == 0) throw new ArgumentException($"--modes names no mode; valid modes: {string.Join(", ", All.Select(m => m.Name))}");
        return All.Where(m => names.Contains(m.Name)).ToArray();
    }
}
