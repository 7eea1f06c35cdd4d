// The role page's search (more than five roles): the list shrinks as the user types. A role stays when every word
// typed occurs, ignoring case, in its role name, organisation or ODS code: the rule of Ers.Api.RoleSearch, which the
// server applies to ?q= when script is off.
const input = document.querySelector("[data-role-search]");
const items = [...document.querySelectorAll("[data-role-fields]")];
const count = document.querySelector("[data-role-count]");
if (input) {
    const submit = document.querySelector("[data-role-search-submit]");
    if (submit) {
        submit.classList.add("ers-hidden");
    }
    input.form.addEventListener("submit", e => e.preventDefault());
    const apply = () => {
        const words = input.value.toLowerCase().split(/\s+/).filter(w => w.length > 0);
        let shown = 0;
        for (const item of items) {
            const fields = item.dataset.roleFields.toLowerCase().split("\n");
            const match = words.every(w => fields.some(f => f.includes(w)));
            item.classList.toggle("ers-hidden", !match);
            const radio = item.querySelector("input");
            if (!match && radio.checked) {
                radio.checked = false;
            }
            shown += match ? 1 : 0;
        }
        count.textContent = `${shown} of ${items.length} roles shown`;
    };
    input.addEventListener("input", apply);
    apply();
}
