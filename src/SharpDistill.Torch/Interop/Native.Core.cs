using System.Runtime.InteropServices;

namespace SharpDistill.Torch.Interop;

// P/Invoke declarations of native/include/sd_core.h. Every function returns an sd_status (int).
internal static unsafe partial class Native
{
    internal const string Library = "sharpdistill_native";

    [LibraryImport(Library)] internal static partial IntPtr sd_last_error();
    [LibraryImport(Library)] internal static partial int sd_abi_version(out int version);
    [LibraryImport(Library)] internal static partial int sd_libtorch_version(out IntPtr version);
    [LibraryImport(Library)] internal static partial int sd_cuda_is_available(out int available);
    [LibraryImport(Library)] internal static partial int sd_cuda_device_count(out int count);

    [LibraryImport(Library)] internal static partial int sd_tensor_free(IntPtr t);
    [LibraryImport(Library)] internal static partial int sd_live_tensor_count(out long count);
    [LibraryImport(Library)] internal static partial int sd_tensor_shallow_copy(TensorHandle t, out TensorHandle result);

    [LibraryImport(Library)] internal static partial int sd_tensor_set_data(TensorHandle t, TensorHandle data);

    [LibraryImport(Library)] internal static partial int sd_tensor_dim(TensorHandle t, out long dim);
    [LibraryImport(Library)] internal static partial int sd_tensor_sizes(TensorHandle t, long* sizes, long capacity);
    [LibraryImport(Library)] internal static partial int sd_tensor_strides(TensorHandle t, long* strides, long capacity);
    [LibraryImport(Library)] internal static partial int sd_tensor_numel(TensorHandle t, out long numel);
    [LibraryImport(Library)] internal static partial int sd_tensor_dtype(TensorHandle t, out int dtype);
    [LibraryImport(Library)] internal static partial int sd_tensor_device(TensorHandle t, out int type, out int index);
    [LibraryImport(Library)] internal static partial int sd_tensor_is_contiguous(TensorHandle t, out int contiguous);

    [LibraryImport(Library)] internal static partial int sd_tensor_from_data(void* data, nuint nbytes, long* shape, long ndim, int dtype, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_tensor_copy_to(TensorHandle t, void* dst, nuint nbytes);
    [LibraryImport(Library)] internal static partial int sd_tensor_item(TensorHandle t, out NativeScalar value);
    [LibraryImport(Library)] internal static partial int sd_tensor_to(TensorHandle t, int deviceType, int deviceIndex, int dtype, int copy, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_tensor_to_string(TensorHandle t, byte* buffer, nuint capacity, out nuint needed);

    [LibraryImport(Library)] internal static partial int sd_tensor_requires_grad(TensorHandle t, out int requiresGrad);
    [LibraryImport(Library)] internal static partial int sd_tensor_set_requires_grad(TensorHandle t, int value);
    [LibraryImport(Library)] internal static partial int sd_tensor_grad(TensorHandle t, out TensorHandle grad);
    [LibraryImport(Library)] internal static partial int sd_tensor_set_grad(TensorHandle t, TensorHandle grad);
    [LibraryImport(Library)] internal static partial int sd_tensor_backward(TensorHandle t, TensorHandle grad, int retainGraph, int createGraph);
    [LibraryImport(Library)] internal static partial int sd_tensor_detach(TensorHandle t, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_tensor_is_leaf(TensorHandle t, out int isLeaf);
    [LibraryImport(Library)] internal static partial int sd_autograd_grad(IntPtr* outputs, long nOutputs, IntPtr* inputs, long nInputs, IntPtr* gradOutputs, int createGraph, IntPtr* grads);

    [LibraryImport(Library)] internal static partial int sd_grad_enabled(out int enabled);
    [LibraryImport(Library)] internal static partial int sd_set_grad_enabled(int enabled, out int previous);
    [LibraryImport(Library)] internal static partial int sd_inference_mode_enter(out InferenceGuardHandle guard);
    [LibraryImport(Library)] internal static partial int sd_inference_mode_exit(IntPtr guard);
    [LibraryImport(Library)] internal static partial int sd_is_inference_mode(out int enabled);

    [LibraryImport(Library)] internal static partial int sd_tensor_to_memory_format(TensorHandle t, int format, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_tensor_is_contiguous_in(TensorHandle t, int format, out int contiguous);
    [LibraryImport(Library)] internal static partial int sd_autocast_state(int deviceType, out int enabled, out int dtype);
    [LibraryImport(Library)] internal static partial int sd_autocast_enter(int deviceType, int dtype, out int previousEnabled, out int previousDType);
    [LibraryImport(Library)] internal static partial int sd_autocast_exit(int deviceType, int previousEnabled, int previousDType);

    [LibraryImport(Library)] internal static partial int sd_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int sd_get_num_threads(out int n);

    [LibraryImport(Library)] internal static partial int sd_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial int sd_generator_new(ulong seed, out GeneratorHandle generator);
    [LibraryImport(Library)] internal static partial int sd_generator_free(IntPtr generator);
    [LibraryImport(Library)] internal static partial int sd_generator_set_seed(GeneratorHandle generator, ulong seed);
    [LibraryImport(Library)] internal static partial int sd_generator_get_state(GeneratorHandle generator, out TensorHandle state);
    [LibraryImport(Library)] internal static partial int sd_generator_set_state(GeneratorHandle generator, TensorHandle state);
}
