namespace Ers.LoadTests;

public sealed record ProcessSample(double CpuPercent, double RssMb, bool Alive);
