namespace Depthwise.Runtime;

/// <summary>Accumulated time of one plan step over the profiled runs.</summary>
public sealed record NodeProfile(string NodeName, string OpType, TimeSpan Total, int Runs, long Macs);
