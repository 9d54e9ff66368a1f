using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Config;

/// <summary>
/// How the models compute (docs/training.md, "Precision, memory format and the folded teacher").
/// The defaults are chosen from measurements on the developers' machine: what is exact up to float
/// rounding (channels-last, the folded teacher) is on where it was not slower; bfloat16 is off until
/// a multi-seed comparison shows it costs no accuracy.
/// </summary>
public sealed class ComputeConfig
{
    /// <summary>fp32, or bf16: the student's forward passes in training run under libtorch's autocast for the run's device, CPU or CUDA (weights and gradients stay fp32).</summary>
    public Precision StudentPrecision { get; set; } = Precision.Fp32;

    /// <summary>fp32, or bf16: the frozen teacher's weights are stored and run in bfloat16 (its outputs are handed on as fp32).</summary>
    public Precision TeacherPrecision { get; set; } = Precision.Fp32;

    /// <summary>Layout of the student's and the teacher's weights and inputs: contiguous (NCHW) or channels_last (NHWC).</summary>
    public MemoryFormat MemoryFormat { get; set; } = MemoryFormat.ChannelsLast;

    /// <summary>Fold the teacher's batch norms into the convolutions before them (eval-mode statistics; the teacher is frozen).</summary>
    public bool FoldTeacher { get; set; } = true;

    /// <summary>The teacher's inference form these settings ask for.</summary>
    public TeacherForm TeacherForm => new(FoldTeacher, MemoryFormat, TeacherPrecision);
}
