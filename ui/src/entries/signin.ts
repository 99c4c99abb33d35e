import "../styles/base.css";
import "../styles/signin.css";
import { t } from "../i18n";
import { mount } from "../signin";

document.title = t().windows.signIn;
mount(document.body);
