namespace Depthwise.Formats.TFLite;

/// <summary>One entry of the model's <c>operator_codes</c>: a builtin operator or a custom one, with its version.</summary>
/// <param name="Builtin">The effective builtin code: max(deprecated_builtin_code, builtin_code), as TFLite reads it.</param>
/// <param name="CustomCode">The custom operator's name when <paramref name="Builtin"/> is CUSTOM.</param>
/// <param name="Version">The operator version (1 by default).</param>
internal sealed record TfLiteOperatorCode(int Builtin, string? CustomCode, int Version)
{
    /// <summary>The builtin's name (e.g. CONV_2D), or the custom code for a custom operator.</summary>
    public string Name => Builtin == (int)TfLiteBuiltinOperator.CUSTOM
        ? CustomCode ?? "CUSTOM"
        : Enum.IsDefined((TfLiteBuiltinOperator)Builtin) ? ((TfLiteBuiltinOperator)Builtin).ToString() : $"builtin {Builtin}";
}

/// <summary>One entry of a subgraph's <c>operators</c> (schema.fbs <c>Operator</c>).</summary>
/// <param name="Index">Position in the subgraph's operator list (execution order).</param>
/// <param name="OpcodeIndex">Index into the model's operator codes.</param>
/// <param name="Inputs">Tensor indices of the inputs; −1 marks an omitted optional input.</param>
/// <param name="Outputs">Tensor indices of the outputs.</param>
/// <param name="OptionsType">The <c>BuiltinOptions</c> union type (0: none).</param>
/// <param name="Options">The builtin options table, when present.</param>
/// <param name="CustomOptions">The custom options bytes (a FlexBuffer or a raw struct), when present.</param>
/// <param name="Path">Field path, for errors.</param>
internal sealed record TfLiteOperator(int Index, uint OpcodeIndex, int[] Inputs, int[] Outputs, byte OptionsType, FlatTable? Options,
    ReadOnlyMemory<byte>? CustomOptions, string Path);
