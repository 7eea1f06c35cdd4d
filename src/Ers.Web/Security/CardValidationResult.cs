using Ers.Api;

namespace Ers.Web.Security;

/// <summary>The answer of <see cref="CardCertificateValidator"/>: a card, or a refusal code from <see cref="ApiErrorCodes"/>.</summary>
public sealed record CardValidationResult(ValidatedCard? Card, string? ErrorCode, string? Message, CertificateWarning? Warning)
{
    public bool IsValid => Card is not null;

    /// <summary>The card certificate and its issuing CAs below the root, as CRLs name them (for the validation cache).</summary>
    internal IReadOnlyList<CertificateId> Chain { get; init; } = [];

    public static CardValidationResult Valid(ValidatedCard card, CertificateWarning? warning) => new(card, null, null, warning);

    public static CardValidationResult Invalid(string code, string message) => new(null, code, message, null);
}
