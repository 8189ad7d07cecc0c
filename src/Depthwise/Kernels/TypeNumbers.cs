using System.Runtime.InteropServices;

namespace Depthwise.Kernels;

// Small integers as types, for kernels written once over their sizes: Unsafe.SizeOf<T>() of each is its number.
// Unlike a static abstract property (a call, whose value is known only once it has been inlined), SizeOf is replaced
// by a constant while the JIT imports the method, so a size passed on as an argument reaches an inlined helper as a
// constant, and the helper's branches on it are folded before the calls inside them are inlined. With properties,
// every dead column and tap of an unrolled kernel is inlined first, the inlining budget runs out, and the hot loop
// is left with calls and its accumulators on the stack (measured 10-30× slower).

/// <summary>The number 1 as a type (<c>Unsafe.SizeOf</c> = 1).</summary>
[StructLayout(LayoutKind.Sequential, Size = 1)]
internal readonly struct Int1
{
}

/// <summary>The number 2 as a type (<c>Unsafe.SizeOf</c> = 2).</summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
internal readonly struct Int2
{
}

/// <summary>The number 3 as a type (<c>Unsafe.SizeOf</c> = 3).</summary>
[StructLayout(LayoutKind.Sequential, Size = 3)]
internal readonly struct Int3
{
}

/// <summary>The number 5 as a type (<c>Unsafe.SizeOf</c> = 5).</summary>
[StructLayout(LayoutKind.Sequential, Size = 5)]
internal readonly struct Int5
{
}

/// <summary>The number 4 as a type (<c>Unsafe.SizeOf</c> = 4).</summary>
[StructLayout(LayoutKind.Sequential, Size = 4)]
internal readonly struct Int4
{
}

/// <summary>The number 6 as a type (<c>Unsafe.SizeOf</c> = 6).</summary>
[StructLayout(LayoutKind.Sequential, Size = 6)]
internal readonly struct Int6
{
}

/// <summary>The number 7 as a type (<c>Unsafe.SizeOf</c> = 7).</summary>
[StructLayout(LayoutKind.Sequential, Size = 7)]
internal readonly struct Int7
{
}
