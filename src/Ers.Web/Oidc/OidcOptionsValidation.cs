using Microsoft.Extensions.Options;

namespace Ers.Web.Oidc;

/// <summary>Fails the start with every problem of the <c>Ers:Oidc</c> settings named.</summary>
public sealed class OidcOptionsValidation : IValidateOptions<OidcOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcOptions options) =>
        options.Validate().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
